"""Audit API (auditor only): search records and verify the chain."""

from datetime import datetime

from ninja import Query, Router, Schema

from zhongshu.audit import queries

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
    personal: bool = False
    limit: int = 100


class VerifyOut(Schema):
    ok: bool
    checked: int
    keyed: int
    bad_seq: int | None
    problem: str
    checkpoint_seq: int | None
    checkpoints: list[str]
    warnings: list[str]


@router.get("/events", response=list[AuditRecord])
def events(request, params: Query[FilterIn]):
    """Audit records matching the filters, newest first."""
    flt = queries.AuditFilter.from_params(params.dict())
    return list(queries.search(request.user, flt)[: max(1, min(params.limit, 1000))])


@router.post("/verify", response=VerifyOut)
def verify(request):
    """Walk the keyed chain, check its head and the latest signed checkpoint; OK or the first bad record."""
    result = queries.verify(request.user)
    return {"ok": result.ok, "checked": result.checked, "keyed": result.keyed, "bad_seq": result.bad_seq,
            "problem": result.problem, "checkpoint_seq": result.checkpoint_seq,
            "checkpoints": list(result.checkpoints), "warnings": list(result.warnings)}
