"""Deadlines (办理时限) in working days on the holiday calendar, and due-date status.

Local practice (DOMAIN.md): urgent the same working day; 咨询 3 working days; 投诉 13. The days
per appeal type are configurable with `ZHONGSHU_APPEAL_DEADLINE_DAYS`
(e.g. ``consult=3,help=5,complaint=13``); unlisted types keep the defaults below. A deadline is
the end (23:59:59 local time) of the N-th working day after the day the appeal was received; an
urgent appeal is due at the end of the day it arrived (the next working day if that day is not one).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone

from zhongshu.core.calendar import WorkCalendar, default_calendar
from zhongshu.core.errors import ConfigError

DEFAULT_DAYS = {"consult": 3, "help": 5, "complaint": 13, "report": 13, "suggestion": 13, "praise": 5}
FINAL_STATES = {"closed", "followed_up"}


def deadline_days() -> dict[str, int]:
    """Working days allowed per appeal type (defaults overridden by the setting)."""
    raw = getattr(settings, "ZHONGSHU_APPEAL_DEADLINE_DAYS", "") or ""
    days = dict(DEFAULT_DAYS)
    if isinstance(raw, dict):
        days.update({str(k): int(v) for k, v in raw.items()})
        return days
    for item in str(raw).split(","):
        if not item.strip():
            continue
        name, _, value = item.partition("=")
        if name.strip() not in DEFAULT_DAYS or not value.strip().isdigit():
            raise ConfigError("ZHONGSHU_APPEAL_DEADLINE_DAYS", f"bad entry {item.strip()!r}",
                              hint="write type=days pairs, e.g. consult=3,complaint=13")
        days[name.strip()] = int(value)
    return days


def near_due_hours() -> int:
    """How many hours before the deadline a work order counts as near due."""
    return int(getattr(settings, "ZHONGSHU_APPEAL_NEAR_DUE_HOURS", 24) or 24)


def _end_of(day: dt.date) -> dt.datetime:
    tz = timezone.get_current_timezone()
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=tz)


def deadline_for(appeal_type: str, received_at: dt.datetime, urgent: bool = False,
                 calendar: WorkCalendar | None = None) -> dt.datetime:
    """The deadline of an appeal of `appeal_type` received at `received_at`.

    >>> import zoneinfo
    >>> tz = zoneinfo.ZoneInfo("Asia/Shanghai")
    >>> cal = WorkCalendar()
    >>> deadline_for("consult", dt.datetime(2026, 3, 6, 10, tzinfo=tz), calendar=cal).date()  # Fri + 3
    datetime.date(2026, 3, 11)
    """
    cal = calendar or default_calendar()
    local_day = timezone.localtime(received_at).date()
    if urgent:
        return _end_of(cal.add_working_days(local_day, 0))
    days = deadline_days().get(appeal_type, DEFAULT_DAYS["complaint"])
    return _end_of(cal.add_working_days(local_day, days))


def extension_deadline(current: dt.datetime, extra_days: int, calendar: WorkCalendar | None = None) -> dt.datetime:
    """A deadline moved `extra_days` working days later (延期)."""
    cal = calendar or default_calendar()
    return _end_of(cal.add_working_days(timezone.localtime(current).date(), extra_days))


def due_status(appeal: Any, now: dt.datetime | None = None) -> str:
    """"overdue", "near_due", "on_time" or "" (closed or no deadline)."""
    if appeal.state in FINAL_STATES or appeal.deadline is None:
        return ""
    now = now or timezone.now()
    if appeal.deadline < now:
        return "overdue"
    if appeal.deadline - now <= dt.timedelta(hours=near_due_hours()):
        return "near_due"
    return "on_time"
