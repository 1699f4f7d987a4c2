"""Appeals JSON API (session auth): intake, the queue, workflow steps, identity, alerts, Open311 clients.

Each operation parses, calls one service and returns a schema; rights are checked in services.
Personal data never travels in URLs: the caller-history lookup is a POST. Free text (title, text,
timeline notes, alert messages) comes scrubbed of typed identifiers; the identity operation
returns it raw, audited. Reads of appeals are audited by the services they call.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Query, Router, Schema

from zhongshu.appeals import intake, open311, services, sla, triage

router = Router(tags=["appeals"])


class AppealIn(Schema):
    text: str
    title: str = ""
    appeal_type: str = "complaint"
    citizen_name: str = ""
    citizen_phone: str = ""
    reply_wanted: bool = False
    identity_needed: bool = False
    township: str = ""
    address: str = ""
    lat: float | None = None
    long: float | None = None
    urgent: bool = False
    idempotency_key: str = ""


class AppealOut(Schema):
    id: int
    tracking_code: str
    channel: str
    appeal_type: str
    title: str
    text: str
    state: str
    category: str | None
    category_code: str | None
    department: str | None
    priority: int
    level: str
    emotion: str
    urgent: bool
    supervised: bool
    received_at: datetime
    deadline: datetime | None
    due: str
    citizen_name: str
    citizen_phone: str
    created: bool = True


class SuggestIn(Schema):
    title: str = ""
    text: str


class PhoneIn(Schema):
    phone: str


class StepIn(Schema):
    action: str
    department: str = ""
    category: str = ""
    reason: str = ""
    reply_text: str = ""
    satisfaction: str = ""
    days: int | None = None
    duplicate_of: str = ""
    priority: int | None = None
    note: str = ""


class ListIn(Schema):
    state: str = ""
    department: str = ""
    category: str = ""
    due: str = ""
    level: str = ""
    q: str = ""
    limit: int = 100
    offset: int = 0


class EventOut(Schema):
    at: datetime
    actor: str
    action: str
    from_state: str
    to_state: str
    note: str
    public: bool


class AlertOut(Schema):
    id: int
    kind: str
    message: str
    created_at: datetime
    appeal_id: int
    tracking_code: str


class ClientIn(Schema):
    name: str


class ClientOut(Schema):
    id: int
    name: str
    api_key: str


def _out(actor: Any, appeal, created: bool = True) -> dict[str, Any]:
    who = services.citizen_identity(actor, appeal)
    return {"id": appeal.pk, "tracking_code": appeal.tracking_code, "channel": appeal.channel,
            "appeal_type": appeal.appeal_type, "title": appeal.shown.title, "text": appeal.shown.text,
            "state": appeal.state,
            "category": str(appeal.category) if appeal.category_id else None,
            "category_code": appeal.category.code if appeal.category_id else None,
            "department": appeal.department.code if appeal.department_id else None,
            "priority": appeal.priority, "level": appeal.level, "emotion": appeal.emotion, "urgent": appeal.urgent,
            "supervised": appeal.supervised, "received_at": appeal.received_at, "deadline": appeal.deadline,
            "due": sla.due_status(appeal), "citizen_name": who["name"], "citizen_phone": who["phone"],
            "created": created}


@router.post("/intake", response=AppealOut)
def create(request, payload: AppealIn):
    """Hotline intake (operator). A repeated idempotency_key returns the original appeal (created=false)."""
    data = payload.dict()
    key = data.pop("idempotency_key")
    appeal, created = intake.submit(request.user, intake.AppealInput(**data), "hotline",
                                    idempotency_key=key, scope=f"hotline:{request.user.pk}")
    return _out(request.user, appeal, created)


@router.post("/suggest")
def suggest(request, payload: SuggestIn):
    """The triage suggestion for a text being typed (operator)."""
    from zhongshu.accounts.permissions import ensure

    ensure(request.user, "appeals.intake")
    intake.clean(intake.AppealInput(text=payload.text, title=payload.title))
    return triage.suggest(payload.title, payload.text).as_dict()


@router.post("/caller-history")
def caller_history(request, payload: PhoneIn):
    """Earlier appeals from the same phone number (operator; matched by keyed digest)."""
    return services.caller_history(request.user, payload.phone)


@router.get("/appeals", response=list[AppealOut])
def list_appeals(request, params: Query[ListIn]):
    """The work-order queue in the caller's scope: priority, then deadline."""
    flt = services.ListFilter.from_params(params.dict())
    return [_out(request.user, a) for a in services.list_rows(request.user, flt, params.offset, params.limit)]


@router.get("/appeals/{appeal_id}", response=AppealOut)
def detail(request, appeal_id: int):
    return _out(request.user, services.read_appeal(request.user, appeal_id))


@router.get("/appeals/{appeal_id}/events", response=list[EventOut])
def events(request, appeal_id: int):
    """The timeline (notes scrubbed)."""
    appeal = services.read_appeal(request.user, appeal_id, page="timeline")
    return [{"at": e.at, "actor": e.actor, "action": e.action, "from_state": e.from_state, "to_state": e.to_state,
             "note": e.shown_note, "public": e.public} for e in services.timeline(request.user, appeal)]


@router.get("/appeals/{appeal_id}/steps")
def steps(request, appeal_id: int):
    """The workflow steps the caller may take now."""
    appeal = services.get_appeal(request.user, appeal_id)
    return [{"action": t.name, "label": str(t.label), "needs": list(t.needs)} for t in
            services.available_steps(request.user, appeal)]


@router.post("/appeals/{appeal_id}/transition", response=AppealOut)
def transition(request, appeal_id: int, payload: StepIn):
    """Take a workflow step (dispatch, acknowledge, return, reply, approve, follow_up, supervise, …)."""
    data = {k: v for k, v in payload.dict().items() if v not in ("", None)}
    appeal = services.transition(request.user, appeal_id, data.pop("action"), **data)
    return _out(request.user, appeal)


@router.post("/appeals/{appeal_id}/identity")
def identity(request, appeal_id: int):
    """The citizen's unmasked name and phone and the raw title, text and reply, where the case needs them (audited)."""
    appeal = services.get_appeal(request.user, appeal_id)
    return services.citizen_identity(request.user, appeal, reveal=True)


@router.get("/due")
def due(request):
    """Open work orders past or near their deadline, in the caller's scope."""
    lists = services.due_list(request.user)
    return {k: [{"id": a.pk, "tracking_code": a.tracking_code, "deadline": a.deadline, "state": a.state,
                 "department": a.department.code if a.department_id else None} for a in v]
            for k, v in lists.items()}


@router.get("/alerts", response=list[AlertOut])
def alerts(request):
    """Open alerts (extreme cases, overdue, near due, supervised) on appeals in the caller's scope."""
    return [{"id": a.pk, "kind": a.kind, "message": a.shown_message, "created_at": a.created_at,
             "appeal_id": a.appeal_id, "tracking_code": a.appeal.tracking_code} for a in services.alerts(request.user)]


@router.post("/alerts/{alert_id}/ack")
def acknowledge(request, alert_id: int):
    alert = services.acknowledge_alert(request.user, alert_id)
    return {"id": alert.pk, "acknowledged_by": alert.acknowledged_by}


@router.post("/open311/clients", response=ClientOut)
def open311_client(request, payload: ClientIn):
    """Register an Open311 client (system administrator); the api_key is returned this once."""
    client, key = open311.create_client(request.user, payload.name)
    return {"id": client.pk, "name": client.name, "api_key": key}


# The analytics operations (appeals/api_analytics.py, another module) live under /api/appeals/analytics/.
try:
    from zhongshu.appeals.api_analytics import router as _analytics_router
except ModuleNotFoundError as exc:
    if exc.name != "zhongshu.appeals.api_analytics":
        raise
else:
    router.add_router("/analytics/", _analytics_router)
