"""Appeal analytics: hotspots, emotion trends, department performance, spikes, the weekly risk
report and the people-in-need view.

Each function takes the actor and an `AnalyticsFilter`, checks `appeals.analytics` (through
`analytics_filters.scope`), aggregates in the database (GROUP BY with TruncWeek; SQLite and
PostgreSQL) and returns plain dicts ready for JSON. Counting conditions come from
`analytics_filters.METRICS`, the same ones the drill-down lists, so every number can be opened.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    Avg,
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone

from zhongshu.accounts import permissions
from zhongshu.accounts.models import Department
from zhongshu.appeals.analytics_filters import (
    ACTION,
    GROUPS,
    NEGATIVE,
    AnalyticsFilter,
    appeals,
    metric_q,
    week_start,
)
from zhongshu.appeals.models import Appeal, Category
from zhongshu.audit.services import Event, record
from zhongshu.core.masks import mask_name, mask_phone

__all__ = ["hotspots", "emotion_trend", "department_performance", "spikes", "weekly_report", "groups",
           "drill", "drill_page", "masked", "poisson_tail"]


def _weeks(flt: AnalyticsFilter) -> list[date]:
    first, last = week_start(flt.date_from), week_start(flt.date_to)
    return [first + timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]


def _as_week(value: Any) -> date:
    if isinstance(value, datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    return value


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _names(model: Any, ids: set[int]) -> dict[int, str]:
    rows = model.objects.filter(pk__in=[i for i in ids if i is not None])
    return {r.pk: str(r) for r in rows}


def _category_key(flt: AnalyticsFilter) -> tuple[str, str]:
    """Group by level 1, or by level-2 category once a level 1 is chosen: (field, drill parameter)."""
    return ("category_id", "category") if (flt.level1 or flt.category) else ("category__level1", "level1")


def _category_labels(field: str, keys: set) -> dict:
    if field == "category_id":
        return {c.pk: (c.level2 or c.level1) for c in Category.objects.filter(pk__in=[k for k in keys if k])}
    return {k: k for k in keys if k}


# ---------------------------------------------------------------------------------------- hotspots


def hotspots(actor: Any, flt: AnalyticsFilter) -> dict:
    """Counts by category × township × week, and the two matrices the heatmaps draw."""
    flt = flt.with_defaults()
    field, param = _category_key(flt)
    rows = (appeals(actor, flt).annotate(week=TruncWeek("received_at"))
            .values("week", field, "township_id").annotate(n=Count("id")).order_by())
    cells = [{"week": _as_week(r["week"]), "category": r[field], "township": r["township_id"], "count": r["n"]}
             for r in rows]
    categories = _category_labels(field, {c["category"] for c in cells})
    townships = _names(Department, {c["township"] for c in cells})
    by_place: dict[tuple, int] = defaultdict(int)
    by_week: dict[tuple, int] = defaultdict(int)
    for c in cells:
        by_place[(c["category"], c["township"])] += c["count"]
        by_week[(c["category"], c["week"])] += c["count"]
    order = sorted(categories, key=lambda k: -sum(v for (cat, _), v in by_place.items() if cat == k))
    return {
        "category_param": param,
        "categories": [{"key": k, "label": categories[k]} for k in order],
        "townships": [{"id": k, "label": v} for k, v in sorted(townships.items(), key=lambda kv: kv[1])],
        "weeks": _weeks(flt),
        "cells": cells,
        "by_township": [{"category": k[0], "township": k[1], "count": v} for k, v in by_place.items() if k[0]],
        "by_week": [{"category": k[0], "week": k[1], "count": v} for k, v in by_week.items() if k[0]],
        "total": sum(c["count"] for c in cells),
    }


# ---------------------------------------------------------------------------------- emotion trend


def emotion_trend(actor: Any, flt: AnalyticsFilter, by: str = "category") -> dict:
    """Weekly share of angry/anxious appeals and mean intensity of negative ones, per category or department."""
    flt = flt.with_defaults()
    if by == "department":
        field, param = "department_id", "department"
    else:
        field, param = _category_key(flt)
    rows = (appeals(actor, flt).annotate(week=TruncWeek("received_at")).values("week", field)
            .annotate(total=Count("id"),
                      angry_anxious=Count("id", filter=Q(emotion__in=("angry", "anxious"))),
                      negative=Count("id", filter=Q(emotion__in=NEGATIVE)),
                      intensity=Avg("intensity", filter=Q(emotion__in=NEGATIVE)))
            .order_by())
    labels = (_names(Department, {r[field] for r in rows}) if field == "department_id"
              else _category_labels(field, {r[field] for r in rows}))
    series: dict[Any, dict] = {}
    for r in rows:
        key = r[field]
        if key is None:
            continue
        s = series.setdefault(key, {"key": key, "label": labels.get(key, str(key)), "total": 0, "points": []})
        s["total"] += r["total"]
        s["points"].append({
            "week": _as_week(r["week"]), "total": r["total"], "angry_anxious": r["angry_anxious"],
            "negative": r["negative"], "share": _rate(r["angry_anxious"], r["total"]),
            "intensity": round(r["intensity"], 2) if r["intensity"] is not None else None,
        })
    for s in series.values():
        s["points"].sort(key=lambda p: p["week"])
    return {"by": by, "param": param, "weeks": _weeks(flt),
            "series": sorted(series.values(), key=lambda s: -s["total"])}


# ---------------------------------------------------------------------------- department performance


def department_performance(actor: Any, flt: AnalyticsFilter, now: datetime | None = None) -> list[dict]:
    """Per handling department: volume, on-time rate, satisfaction, 重办率, 退单 and handling time."""
    flt = flt.with_defaults()
    now = now or timezone.now()
    handling = ExpressionWrapper(F("closed_at") - F("received_at"), output_field=DurationField())
    rows = (appeals(actor, flt).exclude(department__isnull=True).values("department_id")
            .annotate(total=Count("id"), closed=Count("id", filter=metric_q("closed")),
                      ontime=Count("id", filter=metric_q("ontime")), late=Count("id", filter=metric_q("late")),
                      open=Count("id", filter=metric_q("open")), overdue=Count("id", filter=metric_q("overdue", now)),
                      followed=Count("id", filter=metric_q("followed")),
                      satisfied=Count("id", filter=metric_q("satisfied")),
                      unsatisfied=Count("id", filter=metric_q("unsatisfied")),
                      resolved=Count("id", filter=metric_q("resolved")),
                      reopened=Count("id", filter=metric_q("reopened")),
                      returned=Count("id", filter=metric_q("returned")), returns=Coalesce(Sum("return_count"), 0),
                      handling=Avg(handling, filter=metric_q("closed")))
            .order_by())
    names = _names(Department, {r["department_id"] for r in rows})
    out = []
    for r in rows:
        days = r["handling"].total_seconds() / 86400 if r["handling"] is not None else None
        out.append({**r, "department": names.get(r["department_id"], ""),
                    "ontime_rate": _rate(r["ontime"], r["closed"]),
                    "satisfaction_rate": _rate(r["satisfied"], r["followed"]),
                    "reopen_rate": _rate(r["reopened"], r["resolved"]),
                    "handling_days": round(days, 2) if days is not None else None,
                    "handling": None})
    return sorted(out, key=lambda r: -r["total"])


# ------------------------------------------------------------------------------------------- spikes


def poisson_tail(count: int, mean: float) -> float:
    """P(X ≥ count) for X ~ Poisson(mean).

    >>> round(poisson_tail(0, 2.0), 6), round(poisson_tail(3, 1.0), 4), poisson_tail(30, 1.0) < 1e-20
    (1.0, 0.0803, True)
    """
    if count <= 0:
        return 1.0
    term = math.exp(-mean)
    below = term
    for k in range(1, count):
        term *= mean / k
        below += term
    if below < 0.999:
        return max(0.0, 1.0 - below)
    # 1 - below loses precision when the tail is tiny: sum the tail directly
    term = math.exp(-mean + count * math.log(mean) - math.lgamma(count + 1)) if mean > 0 else 0.0
    tail, k = 0.0, count
    while term > 1e-300 and k < count + 1000:
        tail += term
        k += 1
        term *= mean / k
    return tail


def spikes(actor: Any, flt: AnalyticsFilter, *, baseline_weeks: int = 8, min_count: int = 6,
           alpha: float = 1e-5, min_factor: float = 3.0, floor: float = 1.0) -> list[dict]:
    """Category × township weeks whose count is far above the trailing `baseline_weeks` mean.

    A week is a spike when its count ≥ `min_count`, ≥ `min_factor` × the baseline (floored at
    `floor` a week, so that a quiet place's first few appeals are not news) and the Poisson
    probability of so many at that rate is below `alpha`. `alpha` is small because a county-year
    tests thousands of category × township × week cells (about 15 × 21 × 52).
    """
    flt = flt.with_defaults()
    field, param = _category_key(flt)
    history = flt.replace(date_from=week_start(flt.date_from) - timedelta(weeks=baseline_weeks))
    rows = (appeals(actor, history).annotate(week=TruncWeek("received_at"))
            .values("week", field, "township_id").annotate(n=Count("id")).order_by())
    series: dict[tuple, dict[date, int]] = defaultdict(dict)
    for r in rows:
        series[(r[field], r["township_id"])][_as_week(r["week"])] = r["n"]
    first_week = week_start(flt.date_from)
    found = []
    for (category, township), counts in series.items():
        for week, n in counts.items():
            if week < first_week or n < min_count:
                continue
            before = [counts.get(week - timedelta(weeks=i), 0) for i in range(1, baseline_weeks + 1)]
            baseline = sum(before) / baseline_weeks
            expected = max(baseline, floor)
            p = poisson_tail(n, expected)
            if n >= min_factor * expected and p < alpha:
                found.append({"week": week, "category": category, "township": township, "count": n,
                              "baseline": round(baseline, 2), "factor": round(n / expected, 1), "p_value": p})
    categories = _category_labels(field, {f["category"] for f in found})
    townships = _names(Department, {f["township"] for f in found})
    for f in found:
        f["category_label"] = categories.get(f["category"], "")
        f["township_label"] = townships.get(f["township"], "")
        f["category_param"] = param
    return sorted(found, key=lambda f: (-f["factor"], f["week"]))


# ------------------------------------------------------------------------------------ weekly report


def _contacts() -> Subquery:
    """How many appeals the same caller made about the same category (the appeal itself included)."""
    same = (Appeal.objects.filter(phone_digest=OuterRef("phone_digest"), category_id=OuterRef("category_id"))
            .exclude(phone_digest="").order_by().values("phone_digest").annotate(c=Count("id")).values("c"))
    return Subquery(same, output_field=IntegerField())


def weekly_report(actor: Any, flt: AnalyticsFilter, week: date | None = None, *, top: int = 5,
                  now: datetime | None = None) -> dict:
    """One week per department: how people felt, and the open negative appeals most at risk now."""
    flt = flt.with_defaults()
    now = now or timezone.now()
    week = week_start(week or flt.week or flt.date_to)
    this = flt.replace(week=week, date_from=None, date_to=None)
    prev = this.replace(week=week - timedelta(weeks=1))
    summary: dict[Any, dict] = {}
    for label, f in (("this", this), ("prev", prev)):
        for r in (appeals(actor, f).exclude(department__isnull=True).values("department_id")
                  .annotate(total=Count("id"), negative=Count("id", filter=Q(emotion__in=NEGATIVE)),
                            intensity=Avg("intensity", filter=Q(emotion__in=NEGATIVE))).order_by()):
            row = summary.setdefault(r["department_id"], {"department_id": r["department_id"]})
            row[label] = {"total": r["total"], "negative": r["negative"], "share": _rate(r["negative"], r["total"]),
                          "intensity": round(r["intensity"], 2) if r["intensity"] is not None else None}
    # at risk: open now, negative, received by the end of the week, ranked by priority, repeats, lateness
    risky = this.replace(week=None, date_to=week + timedelta(days=6), emotion=("negative",), metric="open")
    score = (F("priority") + 10 * (Coalesce(F("contacts"), 1) - 1)
             + Case(When(deadline__lt=now, then=Value(15)), default=Value(0), output_field=IntegerField()))
    candidates = (appeals(actor, risky, now).exclude(department__isnull=True)
                  .annotate(contacts=_contacts()).annotate(score=score)
                  .select_related("category", "township")
                  .order_by("department_id", "-score", "received_at"))
    at_risk: dict[Any, list] = defaultdict(list)
    for a in candidates.iterator():
        if len(at_risk[a.department_id]) < top:
            at_risk[a.department_id].append({
                "id": a.pk, "tracking_code": a.tracking_code, "title": a.shown.title, "priority": a.priority,
                "level": a.level, "emotion": a.emotion, "intensity": a.intensity, "contacts": a.contacts or 1,
                "overdue": bool(a.deadline and a.deadline < now), "deadline": a.deadline, "state": a.state,
                "score": a.score, "category": str(a.category or ""), "township": str(a.township or ""),
            })
    names = _names(Department, set(summary) | set(at_risk))
    departments = []
    for dept_id in sorted(set(summary) | set(at_risk), key=lambda d: names.get(d, "")):
        row = summary.get(dept_id, {"department_id": dept_id})
        departments.append({**row, "department": names.get(dept_id, ""), "at_risk": at_risk.get(dept_id, []),
                            "this": row.get("this"), "prev": row.get("prev")})
    departments.sort(key=lambda d: -max([a["score"] for a in d["at_risk"]] or [0]))
    return {"week": week, "week_end": week + timedelta(days=6), "departments": departments}


# ------------------------------------------------------------------------------------------ groups


def groups(actor: Any, flt: AnalyticsFilter) -> dict:
    """Which groups of people (elderly, children, workers, …) appeal, where, and about what."""
    flt = flt.with_defaults()
    out = []
    township_ids: set = set()
    for group in GROUPS:
        qs = appeals(actor, flt.replace(group=group))
        totals = qs.aggregate(total=Count("id"), open=Count("id", filter=metric_q("open")),
                              negative=Count("id", filter=metric_q("negative")))
        places = list(qs.values("township_id").annotate(n=Count("id")).order_by("-n", "township_id"))
        needs = list(qs.values("category_id", "category__level1", "category__level2")
                     .annotate(n=Count("id")).order_by("-n", "category_id")[:5])
        township_ids |= {p["township_id"] for p in places}
        out.append({"group": group, **totals, "townships": places,
                    "needs": [{"category": n["category_id"], "label": n["category__level2"] or n["category__level1"] or "",
                               "count": n["n"]} for n in needs]})
    names = _names(Department, township_ids)
    for g in out:
        for p in g["townships"]:
            p["label"] = names.get(p["township_id"], "")
    return {"groups": out, "townships": [{"id": k, "label": v} for k, v in sorted(names.items(), key=lambda kv: kv[1])]}


# ------------------------------------------------------------------------------------------- drill


def drill(actor: Any, flt: AnalyticsFilter, now: datetime | None = None) -> QuerySet:
    """The appeals behind a number: the page's filters plus the cell's refinements."""
    return (appeals(actor, flt.with_defaults(), now)
            .select_related("category", "department", "township").order_by("-received_at", "-id"))


def drill_page(actor: Any, flt: AnalyticsFilter, number: Any = 1, per_page: int = 50) -> tuple[Page, list[dict]]:
    """One page of the drill-down as shown (`masked` rows), audited as one appeal.analytics.read."""
    page = Paginator(drill(actor, flt), per_page).get_page(number)
    rows = [masked(a) for a in page.object_list]
    policy = permissions.scope(actor, ACTION, Appeal).policy_id
    record(actor, Event("appeal.analytics.read", "appeal", "", details={
        "policy": policy, "rows": len(rows), "masked": True, "filter": flt.with_defaults().params(),
        "page": page.number}))
    return page, rows


def masked(appeal: Appeal) -> dict:
    """An appeal as the drill-down shows it: the citizen's name and phone masked, the text scrubbed."""
    shown = appeal.shown
    return {
        "id": appeal.pk, "tracking_code": appeal.tracking_code, "received_at": appeal.received_at,
        "title": shown.title, "text": shown.text[:160] + ("…" if len(shown.text) > 160 else ""),
        "citizen_name": mask_name(appeal.citizen_name), "citizen_phone": mask_phone(appeal.citizen_phone),
        "appeal_type": appeal.get_appeal_type_display(), "category": str(appeal.category or ""),
        "department": str(appeal.department or ""), "township": str(appeal.township or ""),
        "state": appeal.state, "state_label": appeal.get_state_display(), "emotion": appeal.emotion,
        "intensity": appeal.intensity, "priority": appeal.priority, "level": appeal.level,
        "deadline": appeal.deadline, "closed_at": appeal.closed_at, "satisfaction": appeal.get_satisfaction_display(),
        "reopen_count": appeal.reopen_count, "return_count": appeal.return_count,
    }
