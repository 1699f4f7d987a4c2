"""Reading the audit log for the auditor: filters and CSV export (auditor only)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from zhongshu.accounts.permissions import ensure
from zhongshu.audit.models import AuditEvent
from zhongshu.audit.services import Event, record
from zhongshu.core.errors import InvalidInput

CSV_COLUMNS = ("seq", "at", "actor", "role", "department", "ip", "action", "object_type", "object_id",
               "outcome", "reason", "pii_digest", "hash")


@dataclass
class AuditFilter:
    since: datetime | None = None
    until: datetime | None = None
    actor: str = ""
    department: str = ""
    action: str = ""
    outcome: str = ""

    @classmethod
    def from_params(cls, params: Any) -> AuditFilter:
        """Parse query parameters; a bad date names the parameter and the expected form."""
        return cls(
            since=_parse_when("since", params.get("since", ""), end=False),
            until=_parse_when("until", params.get("until", ""), end=True),
            actor=params.get("actor", "").strip(),
            department=params.get("department", "").strip(),
            action=params.get("action", "").strip(),
            outcome=params.get("outcome", "").strip(),
        )

    def as_dict(self) -> dict[str, str]:
        return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in self.__dict__.items() if v}


def _parse_when(name: str, raw: str, *, end: bool) -> datetime | None:
    raw = raw.strip()
    if not raw:
        return None
    value = parse_datetime(raw)
    if value is None:
        day = parse_date(raw)
        if day is None:
            raise InvalidInput(name, f"not a date or time: {raw[:30]!r}", hint="use YYYY-MM-DD or YYYY-MM-DDTHH:MM")
        value = datetime.combine(day, time.max if end else time.min)
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def search(actor: Any, flt: AuditFilter):
    """Audit records matching the filter, newest first (auditor only)."""
    ensure(actor, "audit.read")
    qs = AuditEvent.objects.all()
    if flt.since:
        qs = qs.filter(at__gte=flt.since)
    if flt.until:
        qs = qs.filter(at__lte=flt.until)
    if flt.actor:
        qs = qs.filter(actor=flt.actor)
    if flt.department:
        qs = qs.filter(department=flt.department)
    if flt.action:
        qs = qs.filter(action__startswith=flt.action)
    if flt.outcome:
        qs = qs.filter(outcome=flt.outcome)
    return qs.order_by("-seq")


def csv_cell(value: Any) -> str:
    """Escape a cell so spreadsheets do not run it as a formula.

    >>> csv_cell("=1+1"), csv_cell("-2"), csv_cell("@SUM(A1)"), csv_cell("ok")
    ("'=1+1", "'-2", "'@SUM(A1)", 'ok')
    """
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def export_rows(actor: Any, flt: AuditFilter) -> Iterator[str]:
    """CSV lines of the filtered records; the export itself is audited."""
    ensure(actor, "audit.export")
    rows = search(actor, flt)
    record(actor, Event("audit.exported", "audit", "", details={"filter": flt.as_dict(), "rows": rows.count()}))
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(CSV_COLUMNS)
    for event in rows.iterator(chunk_size=2000):
        yield writer.writerow([csv_cell(_cell(event, col)) for col in CSV_COLUMNS])


def _cell(event: AuditEvent, col: str) -> Any:
    value = getattr(event, col)
    if col == "at":
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
    return value


def distinct_values(actor: Any, field: str) -> Iterable[str]:
    ensure(actor, "audit.read")
    return AuditEvent.objects.order_by(field).values_list(field, flat=True).distinct()[:200]
