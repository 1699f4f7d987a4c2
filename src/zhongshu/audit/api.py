"""Audit API (auditor only): search records and verify the chain."""

from datetime import datetime

from ninja import Query, Router, Schema

from zhongshu.accounts.permissions import ensure
from zhongshu.audit import queries
from zhongshu.audit.services import Event, record, verify_chain

router = Router(tags=["audit"])


class AuditRecord(Schema):
    seq: int
    at: datetime
    actor: str
    role: str
    department: str
    ip: str
    action: str
    object_type: str
    object_id: str
    outcome: str
    reason: str
    hash: str


class FilterIn(Schema):
    since: str = ""
    until: str = ""
    actor: str = ""
    department: str = ""
    action: str = ""
    outcome: str = ""
    limit: int = 100


class VerifyOut(Schema):
    ok: bool
    checked: int
    bad_seq: int | None
    problem: str


@router.get("/events", response=list[AuditRecord])
def events(request, params: Query[FilterIn]):
    """Audit records matching the filters, newest first."""
    flt = queries.AuditFilter.from_params(params.dict())
    return list(queries.search(request.user, flt)[: max(1, min(params.limit, 1000))])


@router.post("/verify", response=VerifyOut)
def verify(request):
    """Walk the chain and report OK or the first bad record."""
    ensure(request.user, "audit.verify")
    result = verify_chain()
    record(request.user, Event("audit.verified", "audit", "", "success" if result.ok else "failure", result.problem))
    return {"ok": result.ok, "checked": result.checked, "bad_seq": result.bad_seq, "problem": result.problem}
