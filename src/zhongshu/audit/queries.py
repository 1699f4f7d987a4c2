"""The auditor's work on the log: filters, the page's rows, CSV export, verify, checkpoint (auditor only)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from zhongshu.accounts.models import Department
from zhongshu.accounts.permissions import ensure
from zhongshu.accounts.roles import Role
from zhongshu.audit import chain, checkpoints, events
from zhongshu.audit.checkpoints import Checkpoint, CheckpointError
from zhongshu.audit.models import AuditEvent
from zhongshu.audit.services import CheckpointOutcome, Event, record, verify_chain, write_checkpoint
from zhongshu.core import csvout
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
    personal: bool = False  # only reads of personal data (events.EventType.reads_personal_data)

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
            personal=str(params.get("personal", "") or "").strip().lower() in ("1", "true", "on"),
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
    if flt.action:  # a registered event exactly; anything else as a prefix ("login.")
        qs = qs.filter(action=flt.action) if events.get(flt.action) else qs.filter(action__startswith=flt.action)
    if flt.personal:
        qs = qs.filter(action__in=[et.name for et in events.EVENT_TYPES.values() if et.reads_personal_data])
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


def export_rows(actor: Any, flt: AuditFilter) -> Iterator[str]:
    """CSV lines of the filtered records; the export itself is audited."""
    ensure(actor, "audit.export")
    rows = search(actor, flt)
    record(actor, Event("audit.exported", "audit", "", details={"filter": flt.as_dict(), "rows": rows.count()}))
    yield from csvout.lines(CSV_COLUMNS, ([_cell(event, col) for col in CSV_COLUMNS]
                                          for event in rows.iterator(chunk_size=2000)), bom=True)


def _cell(event: AuditEvent, col: str) -> Any:
    value = getattr(event, col)
    if col == "at":
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
    return value


def distinct_values(actor: Any, field: str) -> Iterable[str]:
    ensure(actor, "audit.read")
    return AuditEvent.objects.order_by(field).values_list(field, flat=True).distinct()[:200]


# --- the auditor's page ------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One record as the auditor reads it: labels and names in the user's language, local time."""

    seq: int
    at: datetime  # local time (settings.TIME_ZONE)
    actor: str
    role: str
    department: str
    ip: str
    action: str  # the code, for filters and tooltips
    action_label: str
    object: str
    outcome: str
    reason: str


def rows(actor: Any, records: Iterable[AuditEvent]) -> list[Row]:
    """The page's records with the action's label, the role's and department's names, local time."""
    ensure(actor, "audit.read")
    records = list(records)
    names = department_names(actor, {r.department for r in records if r.department})
    roles = dict(Role.choices)
    return [Row(r.seq, timezone.localtime(r.at), r.actor, str(roles.get(r.role, r.role)),
                names.get(r.department, r.department), r.ip, r.action, events.label(r.action),
                f"{r.object_type} {r.object_id}".strip(), r.outcome, r.reason) for r in records]


def department_names(actor: Any, codes: Iterable[str] | None = None) -> dict[str, str]:
    """Department code → name, for the codes given (or every department)."""
    ensure(actor, "audit.read")
    qs = Department.objects.all() if codes is None else Department.objects.filter(code__in=list(codes))
    return dict(qs.values_list("code", "name"))


def department_choices(actor: Any) -> list[tuple[str, str]]:
    """(code, name) of the departments that appear in the log, for the filter."""
    names = department_names(actor)
    return [(code, names.get(code, code)) for code in distinct_values(actor, "department") if code]


def time_label() -> str:
    """The time column's heading, naming the zone times are shown in."""
    if settings.TIME_ZONE == "Asia/Shanghai":
        return _("Time (Beijing time)")
    return _("Time (%(zone)s)") % {"zone": settings.TIME_ZONE}


def latest_checkpoint(actor: Any) -> Checkpoint | None:
    """The latest exported checkpoint, or None (also when the folder cannot be read: verify says why)."""
    ensure(actor, "audit.read")
    try:
        return checkpoints.latest()
    except CheckpointError:
        return None


def verify(actor: Any, checkpoint_copy: Any = None, public_key: Any = None) -> chain.VerifyResult:
    """Verify the chain, its head and the signed checkpoints; the verification itself is audited."""
    ensure(actor, "audit.verify")
    result = verify_chain(checkpoint_copy, public_key)
    record(actor, Event("audit.verified", "audit", "", "success" if result.ok else "failure", result.problem,
                        details={"checked": result.checked, "bad_seq": result.bad_seq,
                                 "checkpoint": result.checkpoint_seq}))
    return result


def checkpoint(actor: Any) -> CheckpointOutcome:
    """Export a signed checkpoint of the chain's head now (audited as `audit.checkpoint`)."""
    ensure(actor, "audit.checkpoint")
    return write_checkpoint(actor)
