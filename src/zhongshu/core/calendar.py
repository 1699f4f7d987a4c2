"""Working days on the official holiday calendar (法定节假日 and 调休 make-up working days).

The State Council publishes each year's schedule in November; the hub ships it as
``core/holidays/<year>.json``. A county may add its own days (a local holiday, a closure, an
extra working day) in ``<ZHONGSHU_DATA_DIR>/calendar/*.json`` with the same shape::

    {"year": 2026, "source": "…",
     "holidays": [{"name": "春节", "dates": ["2026-02-15", …]}],
     "workdays": ["2026-02-14", …]}

A date is a working day when it is a listed make-up working day, or else a Monday–Friday that is
not a listed holiday. Years without a file count weekends only (``covers(year)`` says so).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from zhongshu.core.errors import ConfigError, InvalidInput

__all__ = ["WorkCalendar", "default_calendar", "load_calendar"]


@dataclass(frozen=True)
class WorkCalendar:
    """Holidays and make-up working days; answers working-day questions."""

    holidays: dict[dt.date, str] = field(default_factory=dict)
    workdays: frozenset[dt.date] = frozenset()
    years: frozenset[int] = frozenset()

    def is_working_day(self, day: dt.date) -> bool:
        """True on a working day.

        >>> cal = WorkCalendar({dt.date(2026, 2, 16): "春节"}, frozenset({dt.date(2026, 2, 14)}))
        >>> cal.is_working_day(dt.date(2026, 2, 14)), cal.is_working_day(dt.date(2026, 2, 16))
        (True, False)
        >>> cal.is_working_day(dt.date(2026, 2, 21)), cal.is_working_day(dt.date(2026, 2, 24))
        (False, True)
        """
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def holiday_name(self, day: dt.date) -> str:
        """The holiday's name on `day`, or ""."""
        return "" if day in self.workdays else self.holidays.get(day, "")

    def covers(self, year: int) -> bool:
        """True when the official schedule for `year` is loaded."""
        return year in self.years

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The `days`-th working day after `start` (0: `start` itself if working, else the next one).

        >>> cal = WorkCalendar()
        >>> cal.add_working_days(dt.date(2026, 3, 6), 1)  # Friday + 1 → Monday
        datetime.date(2026, 3, 9)
        >>> cal.add_working_days(dt.date(2026, 3, 7), 0)  # Saturday → Monday
        datetime.date(2026, 3, 9)
        """
        if days < 0:
            raise InvalidInput("days", "must not be negative")
        day = start
        if days == 0:
            while not self.is_working_day(day):
                day += dt.timedelta(days=1)
            return day
        left = days
        while left:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]; negative when end is before start.

        >>> WorkCalendar().working_days_between(dt.date(2026, 3, 6), dt.date(2026, 3, 10))
        2
        """
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_working_day(day)
        return count

    def merged(self, other: WorkCalendar) -> WorkCalendar:
        """This calendar with `other`'s days added (other's make-up days win over holidays)."""
        holidays = {**self.holidays, **other.holidays}
        workdays = (self.workdays - frozenset(other.holidays)) | other.workdays
        return WorkCalendar(holidays, workdays, self.years | other.years)


def _parse_date(raw: str, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw)
    except (TypeError, ValueError):
        raise ConfigError(where, f"bad date {raw!r}", hint="write dates as YYYY-MM-DD") from None


def _parse(raw: dict, where: str) -> WorkCalendar:
    if not isinstance(raw, dict):
        raise ConfigError(where, "expected a JSON object with holidays and workdays")
    holidays: dict[dt.date, str] = {}
    for entry in raw.get("holidays", []):
        for d in entry.get("dates", []):
            holidays[_parse_date(d, where)] = str(entry.get("name", ""))
    workdays = frozenset(_parse_date(d, where) for d in raw.get("workdays", []))
    clash = workdays & holidays.keys()
    if clash:
        raise ConfigError(where, f"{min(clash)} is both a holiday and a working day")
    years = frozenset({int(raw["year"])}) if "year" in raw else frozenset()
    return WorkCalendar(holidays, workdays, years)


def _read(text: str, where: str) -> WorkCalendar:
    try:
        return _parse(json.loads(text), where)
    except json.JSONDecodeError as exc:
        raise ConfigError(where, f"not valid JSON (line {exc.lineno})") from None


@functools.lru_cache(maxsize=1)
def _official() -> WorkCalendar:
    cal = WorkCalendar()
    for item in sorted(resources.files("zhongshu.core").joinpath("holidays").iterdir(), key=lambda p: p.name):
        if item.name.endswith(".json"):
            cal = cal.merged(_read(item.read_text(encoding="utf-8"), f"core/holidays/{item.name}"))
    return cal


def load_calendar(override_dirs: Iterable[Path] = ()) -> WorkCalendar:
    """The official calendar plus every ``*.json`` found in `override_dirs` (county additions)."""
    cal = _official()
    for folder in override_dirs:
        if folder.is_dir():
            for path in sorted(folder.glob("*.json")):
                cal = cal.merged(_read(path.read_text(encoding="utf-8"), str(path)))
    return cal


_cache: dict[tuple[str, float], WorkCalendar] = {}


def default_calendar() -> WorkCalendar:
    """The hub's calendar: official days plus ``<ZHONGSHU_DATA_DIR>/calendar/*.json`` (re-read on change)."""
    from django.conf import settings

    folder = Path(settings.ZHONGSHU_DATA_DIR) / "calendar"
    stamp = max((p.stat().st_mtime for p in folder.glob("*.json")), default=0.0) if folder.is_dir() else 0.0
    key = (str(folder), stamp)
    if key not in _cache:
        _cache.clear()
        _cache[key] = load_calendar([folder])
    return _cache[key]
