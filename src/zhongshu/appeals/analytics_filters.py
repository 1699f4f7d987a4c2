"""What an analytics question is about: the filter, the viewer's scope, and the named metrics.

Every number on the analytics page is `count(appeals(actor, filter) ∩ metric)`; the drill-down
lists `appeals(actor, filter + metric)`. Both go through `appeals()` and `METRICS`, so a number
and the list behind it cannot drift apart.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhongshu.accounts import permissions
from zhongshu.appeals.models import Appeal
from zhongshu.core.errors import InvalidInput

ACTION = "appeals.analytics"

NEGATIVE = ("angry", "anxious", "sad")
EMOTIONS = ("angry", "anxious", "sad", "neutral", "positive")
CLOSED_STATES = (Appeal.State.CLOSED, Appeal.State.FOLLOWED_UP)
SATISFIED = (Appeal.Satisfaction.SATISFIED, Appeal.Satisfaction.BASIC)

# Groups of people and the words that show them in an appeal (title or text).
GROUPS: dict[str, tuple[str, ...]] = {
    "elderly": ("老人", "老年人", "独居", "空巢", "八十多岁", "七十多岁"),
    "children": ("孩子", "小孩", "儿童", "学生", "幼儿园", "未成年"),
    "workers": ("农民工", "工友", "工人", "工资", "工地"),
    "disabled": ("残疾", "轮椅", "行动不便"),
    "low_income": ("低保", "困难户", "家庭困难", "特困", "生活困难"),
}
GROUP_LABELS = {"elderly": _("Elderly"), "children": _("Children"), "workers": _("Workers"),
                "disabled": _("People with disabilities"), "low_income": _("Low-income households")}


def _closed() -> Q:
    return Q(state__in=CLOSED_STATES)


def _open() -> Q:
    return ~Q(state__in=CLOSED_STATES)


def metric_q(name: str, now: datetime | None = None) -> Q:
    """The condition behind a named metric (the same Q counts the number and lists the drill-down)."""
    now = now or timezone.now()
    ontime = Q(deadline__isnull=True) | Q(closed_at__lte=F("deadline"))
    table = {
        "closed": _closed,
        "open": _open,
        "ontime": lambda: _closed() & ontime,
        "late": lambda: _closed() & Q(closed_at__gt=F("deadline")),
        "overdue": lambda: _open() & Q(deadline__lt=now),
        "reopened": lambda: Q(reopen_count__gt=0),
        # reached 办结 at least once: closed now, or reopened after a closure
        "resolved": lambda: _closed() | Q(reopen_count__gt=0),
        "returned": lambda: Q(return_count__gt=0),
        "followed": lambda: ~Q(satisfaction=""),
        "satisfied": lambda: Q(satisfaction__in=SATISFIED),
        "unsatisfied": lambda: Q(satisfaction=Appeal.Satisfaction.UNSATISFIED),
        "negative": lambda: Q(emotion__in=NEGATIVE),
        "supervised": lambda: Q(supervised=True),
        "urgent": lambda: Q(urgency__gte=2),
    }
    if name not in table:
        raise InvalidInput("metric", f"unknown metric {name!r}", hint="one of: " + ", ".join(sorted(table)))
    return table[name]()


METRIC_NAMES = ("closed", "open", "ontime", "late", "overdue", "reopened", "resolved", "returned", "followed",
                "satisfied", "unsatisfied", "negative", "supervised", "urgent")


def group_q(group: str) -> Q:
    """Appeals that mention a group of people (by keyword in title or text)."""
    if group not in GROUPS:
        raise InvalidInput("group", f"unknown group {group!r}", hint="one of: " + ", ".join(GROUPS))
    q = Q()
    for word in GROUPS[group]:
        q |= Q(text__contains=word) | Q(title__contains=word)
    return q


def local_midnight(day: date) -> datetime:
    """Start of a local calendar day as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def week_start(day: date) -> date:
    """The Monday of day's week (weeks run Monday–Sunday, as TruncWeek does).

    >>> week_start(date(2025, 1, 1))
    datetime.date(2024, 12, 30)
    """
    return day - timedelta(days=day.weekday())


def _date(params: Mapping[str, Any], key: str) -> date | None:
    raw = (params.get(key) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(key, f"{raw!r} is not a date", hint="use YYYY-MM-DD, e.g. 2025-03-01") from None


def _int(params: Mapping[str, Any], key: str) -> int | None:
    raw = (params.get(key) or "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise InvalidInput(key, f"{raw!r} is not an id", hint="pick a value from the list")
    return int(raw)


@dataclass(frozen=True)
class AnalyticsFilter:
    """The filter of an analytics question; `from_params` reads it from a query string."""

    date_from: date | None = None
    date_to: date | None = None
    level1: str = ""
    category: int | None = None
    department: int | None = None
    township: int | None = None
    # drill-down refinements (a cell, a point or a table number)
    week: date | None = None
    emotion: tuple[str, ...] = ()
    metric: str = ""
    group: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> AnalyticsFilter:
        """Parse query parameters; raise InvalidInput naming the bad parameter."""
        emotion = tuple(e for e in (params.get("emotion") or "").split(",") if e)
        for e in emotion:
            if e not in EMOTIONS and e != "negative":
                raise InvalidInput("emotion", f"unknown emotion {e!r}", hint="one of: " + ", ".join(EMOTIONS))
        flt = cls(
            date_from=_date(params, "date_from"), date_to=_date(params, "date_to"),
            level1=(params.get("level1") or "").strip()[:50], category=_int(params, "category"),
            department=_int(params, "department"), township=_int(params, "township"),
            week=_date(params, "week"), emotion=emotion, metric=(params.get("metric") or "").strip(),
            group=(params.get("group") or "").strip(),
        )
        if flt.metric:
            metric_q(flt.metric)
        if flt.group:
            group_q(flt.group)
        if flt.date_from and flt.date_to and flt.date_from > flt.date_to:
            raise InvalidInput("date_from", "the start is after the end", hint="swap the two dates")
        if flt.week:
            flt = dataclasses.replace(flt, week=week_start(flt.week))
        return flt

    def with_defaults(self, today: date | None = None) -> AnalyticsFilter:
        """Fill an open date range: the 52 weeks up to today."""
        today = today or timezone.localdate()
        date_to = self.date_to or today
        date_from = self.date_from or week_start(date_to - timedelta(weeks=51))
        return dataclasses.replace(self, date_from=date_from, date_to=date_to)

    def base_params(self) -> dict[str, str]:
        """The page filters as query parameters (without drill refinements)."""
        out = {"date_from": self.date_from, "date_to": self.date_to, "level1": self.level1,
               "category": self.category, "department": self.department, "township": self.township}
        return {k: str(v) for k, v in out.items() if v not in (None, "")}

    def params(self) -> dict[str, str]:
        """All filters as query parameters (for links)."""
        out = self.base_params()
        if self.week:
            out["week"] = self.week.isoformat()
        if self.emotion:
            out["emotion"] = ",".join(self.emotion)
        for key in ("metric", "group"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        return out

    def replace(self, **changes: Any) -> AnalyticsFilter:
        return dataclasses.replace(self, **changes)


def scope(actor: Any) -> QuerySet:
    """The appeals this actor's analytics may count (the policy's row scope for appeals.analytics)."""
    return permissions.restrict(actor, ACTION, Appeal.objects.all())


def county_wide(actor: Any) -> bool:
    """True when the policy puts no row scope on the actor's analytics (the whole county)."""
    decision = permissions.scope(actor, ACTION, Appeal)
    return decision.allowed and decision.scope is None


def appeals(actor: Any, flt: AnalyticsFilter, now: datetime | None = None) -> QuerySet:
    """The appeals behind a filter, as this actor may see them."""
    qs = scope(actor)
    if flt.date_from:
        qs = qs.filter(received_at__gte=local_midnight(flt.date_from))
    if flt.date_to:
        qs = qs.filter(received_at__lt=local_midnight(flt.date_to + timedelta(days=1)))
    if flt.level1:
        qs = qs.filter(category__level1=flt.level1)
    if flt.category:
        qs = qs.filter(category_id=flt.category)
    if flt.department:
        qs = qs.filter(department_id=flt.department)
    if flt.township:
        qs = qs.filter(township_id=flt.township)
    if flt.week:
        qs = qs.filter(received_at__gte=local_midnight(flt.week),
                       received_at__lt=local_midnight(flt.week + timedelta(days=7)))
    if flt.emotion:
        wanted = set(flt.emotion)
        if "negative" in wanted:
            wanted = (wanted - {"negative"}) | set(NEGATIVE)
        qs = qs.filter(emotion__in=sorted(wanted))
    if flt.metric:
        qs = qs.filter(metric_q(flt.metric, now))
    if flt.group:
        qs = qs.filter(group_q(flt.group))
    return qs
