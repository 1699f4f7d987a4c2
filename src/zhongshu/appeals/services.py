"""Appeals domain logic: read in scope, move through the workflow, identity, alerts, training data.

Views and the API call these; they hold no query or permission logic themselves. Every state
change writes an AppealEvent (the timeline) and an audit record in the same transaction; the
citizen's phone reaches the audit log only as the `pii=` digest.

Every read that returns appeals to a person (`list_page`, `list_rows`, `read_appeal`,
`caller_history`, `training_export`, the analytics drill-down) writes one read event — who, how
many rows, the filter and the policy that allowed it — with one insert and no per-row work. Free
text is shown scrubbed (`privacy.py`); `citizen_identity(reveal=True)` is the one way to the raw
name, phone and text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Case, IntegerField, Q, QuerySet, When
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongshu.accounts import permissions
from zhongshu.accounts.models import Department
from zhongshu.accounts.permissions import allowed, ensure, restrict
from zhongshu.accounts.system import SYSTEM
from zhongshu.appeals import limits, sla, workflow
from zhongshu.appeals.intake import _actor_name, normalize_phone, raise_alert
from zhongshu.appeals.models import Appeal, AppealAlert, AppealEvent, Category, TriageCorrection
from zhongshu.audit.services import Event, pii_digest, record, record_denial
from zhongshu.core.errors import Forbidden, InvalidInput, NotFound
from zhongshu.core.masks import mask_name, mask_phone
from zhongshu.core.pii import scrub

PAGE_SIZE = 50  # work orders per list page

# --- reading ----------------------------------------------------------------------------------


def scoped(actor: Any) -> QuerySet[Appeal]:
    """Appeals the actor may list: the policy's row scope for appeals.read (see appeals/rules.py)."""
    return restrict(actor, "appeals.read", Appeal.objects.select_related("category", "department", "township"))


@dataclass
class ListFilter:
    """Work-order list filters (all optional)."""

    state: str = ""
    department: str = ""
    category: str = ""
    due: str = ""  # overdue / near_due
    q: str = ""
    level: str = ""

    @classmethod
    def from_params(cls, params: Any) -> ListFilter:
        get = params.get
        flt = cls(state=(get("state") or "")[:12], department=(get("department") or "")[:32],
                  category=(get("category") or "")[:32], due=(get("due") or "")[:10], q=(get("q") or "")[:50],
                  level=(get("level") or "")[:8])
        if flt.state and flt.state not in workflow.ALL_STATES and flt.state != "open":
            raise InvalidInput("state", f"unknown state {flt.state!r}")
        if flt.due and flt.due not in ("overdue", "near_due"):
            raise InvalidInput("due", "use overdue or near_due")
        return flt

    def audited(self) -> dict[str, str]:
        """The filters set, for a read event; a search text may be personal data, so only its presence."""
        return {k: ("*" if k == "q" else v) for k, v in dataclasses.asdict(self).items() if v}


def list_appeals(actor: Any, flt: ListFilter | None = None, now: dt.datetime | None = None) -> QuerySet[Appeal]:
    """The queue: priority first (extreme cases jump ahead), then the nearest deadline."""
    flt = flt or ListFilter()
    now = now or timezone.now()
    qs = scoped(actor)
    if flt.state == "open":
        qs = qs.filter(state__in=workflow.OPEN_STATES)
    elif flt.state:
        qs = qs.filter(state=flt.state)
    if flt.department:
        qs = qs.filter(department__code=flt.department)
    if flt.category:
        qs = qs.filter(Q(category__code=flt.category) | Q(category__level1=flt.category))
    if flt.level:
        qs = qs.filter(level=flt.level)
    if flt.due:
        qs = qs.filter(state__in=workflow.OPEN_STATES, deadline__isnull=False)
        if flt.due == "overdue":
            qs = qs.filter(deadline__lt=now)
        else:
            qs = qs.filter(deadline__gte=now, deadline__lte=now + dt.timedelta(hours=sla.near_due_hours()))
    if flt.q:
        qs = qs.filter(Q(tracking_code__iexact=flt.q) | Q(title__icontains=flt.q))
    return qs.order_by("-priority", "deadline", "received_at")


def _read_event(actor: Any, action: str, rows: int, *, policy: str, object_id: str = "", pii: str = "",
                **details: Any) -> None:
    """One read event: who read how many rows under which policy (one insert, no per-row work)."""
    record(actor, Event(action, "appeal", object_id, pii=pii,
                        details={"policy": policy, "rows": rows, "masked": True, **details}))


def _list_policy(actor: Any) -> str:
    """The policy behind the actor's list scope (e.g. appeal-department for a handler)."""
    return permissions.scope(actor, "appeals.read", Appeal).policy_id


def list_page(actor: Any, flt: ListFilter, number: Any = 1, per_page: int = PAGE_SIZE) -> Page:
    """One page of the queue for the work-order list (audited as appeal.list.read)."""
    page = Paginator(list_appeals(actor, flt), per_page).get_page(number)
    _read_event(actor, "appeal.list.read", len(page.object_list), policy=_list_policy(actor),
                filter=flt.audited(), page=page.number, pii=flt.q)
    return page


def list_rows(actor: Any, flt: ListFilter, offset: int = 0, limit: int = 100) -> list[Appeal]:
    """A slice of the queue for the API (audited as appeal.list.read)."""
    start = max(0, offset)
    rows = list(list_appeals(actor, flt)[start:start + max(1, min(limit, 500))])
    _read_event(actor, "appeal.list.read", len(rows), policy=_list_policy(actor), filter=flt.audited(),
                page=f"offset {start}", pii=flt.q)
    return rows


def read_appeal(actor: Any, key: int | str, page: str = "detail") -> Appeal:
    """An appeal opened by a person: `get_appeal` plus one appeal.read event naming what was read."""
    appeal, decision = _fetch(actor, key)
    _read_event(actor, "appeal.read", 1, policy=decision.policy_id, object_id=appeal.tracking_code, page=page)
    return appeal


def get_appeal(actor: Any, key: int | str) -> Appeal:
    """One appeal the actor may read (by id or tracking code); NotFound when absent."""
    return _fetch(actor, key)[0]


def _fetch(actor: Any, key: int | str) -> tuple[Appeal, permissions.Decision]:
    ensure(actor, "appeals.read")
    qs = Appeal.objects.select_related("category", "department", "township", "duplicate_of")
    appeal = qs.filter(pk=key).first() if str(key).isdigit() else qs.filter(tracking_code=str(key)).first()
    if appeal is None:
        raise NotFound("appeal", key)
    return appeal, ensure(actor, "appeals.read", appeal)


def timeline(actor: Any, appeal: Appeal) -> QuerySet[AppealEvent]:
    ensure(actor, "appeals.read", appeal)
    return appeal.events.select_related("department").order_by("at", "id")


def public_status(tracking_code: str, *, ip: str) -> dict[str, Any]:
    """What a citizen sees by tracking code: state, dates and public timeline steps; no personal data.

    Lookups are limited per client address (ZHONGSHU_TRACKING_RATE_LIMIT): RateLimited, with the
    time to come back, when there were too many.
    """
    limits.throttle("tracking", ip or "unknown", _("Too many lookups from this address."))
    code = (tracking_code or "").strip().upper()[:20]
    appeal = Appeal.objects.filter(tracking_code=code).select_related("department").first() if code else None
    if appeal is None:
        raise NotFound("appeal", "", hint="check the tracking code you were given")
    events = [{"at": e.at, "action": e.action, "to_state": e.to_state} for e in
              appeal.events.filter(public=True).order_by("at", "id")]
    return {"tracking_code": appeal.tracking_code, "state": appeal.state, "title": appeal.shown.title,
            "received_at": appeal.received_at, "deadline": appeal.deadline,
            "department": str(appeal.department) if appeal.department_id else "",
            "reply_text": appeal.reply_text if appeal.state in ("closed", "followed_up") else "",
            "events": events}


# --- identity ----------------------------------------------------------------------------------


def citizen_identity(actor: Any, appeal: Appeal, *, reveal: bool = False) -> dict[str, Any]:
    """The citizen's name and phone, masked unless `reveal` and the actor may see them (audited).

    Revealing also returns the raw title, text and reply (identifiers typed into them included):
    a handler who must call back needs the number the citizen wrote.
    """
    ensure(actor, "appeals.read", appeal)
    may = allowed(actor, "appeals.identity", appeal)
    out = {"name": mask_name(appeal.citizen_name), "phone": mask_phone(appeal.citizen_phone), "masked": True,
           "may_reveal": may and bool(appeal.citizen_name or appeal.citizen_phone or appeal.shown.masked)}
    if reveal:
        ensure(actor, "appeals.identity", appeal)
        record(actor, Event("appeal.identity_viewed", "appeal", appeal.tracking_code, pii=appeal.citizen_phone,
                            reason="the case needs the citizen's identity"))
        out.update(name=appeal.citizen_name, phone=appeal.citizen_phone, masked=False, title=appeal.title,
                   text=appeal.text, reply_text=appeal.reply_text)
    return out


def caller_history(actor: Any, phone: str, limit: int = 10) -> list[dict[str, Any]]:
    """Earlier appeals from the same phone (matched by keyed digest) for the hotline operator.

    Each lookup of a complete number is audited (appeal.caller_history.read, the number only as a
    digest); a number still being typed is no lookup.
    """
    decision = ensure(actor, "appeals.intake")
    if not (phone or "").strip():
        return []
    try:
        number = normalize_phone(phone)
    except InvalidInput:
        return []
    rows = list(Appeal.objects.filter(phone_digest=pii_digest(number)).select_related("category", "department")
                .order_by("-received_at")[:limit])
    _read_event(actor, "appeal.caller_history.read", len(rows), policy=decision.policy_id, pii=number)
    return [{"id": a.pk, "tracking_code": a.tracking_code, "title": a.shown.title, "state": a.state,
             "state_label": a.get_state_display(), "received_at": a.received_at,
             "category": str(a.category) if a.category_id else "", "satisfaction": a.satisfaction} for a in rows]


# --- workflow ----------------------------------------------------------------------------------


def _department(code: Any) -> Department:
    dept = Department.objects.filter(code=str(code or "")).first()
    if dept is None:
        raise InvalidInput("department", f"unknown department {str(code)[:32]!r}", hint="pick one from the list")
    return dept


def _reason(inputs: dict[str, Any], what: str = "reason") -> str:
    text = str(inputs.get(what) or "").strip()
    if not text:
        raise InvalidInput(what, "is required for this step", hint="say why in a sentence")
    if len(text) > 2000:
        raise InvalidInput(what, "at most 2000 characters")
    return text


def _correct(appeal: Appeal, actor: Any, now: dt.datetime, field: str, suggested: str, corrected: str,
             reason: str = "") -> None:
    if corrected and suggested != corrected:
        TriageCorrection.objects.create(appeal=appeal, at=now, actor=_actor_name(actor), field=field,
                                        suggested=suggested[:100], corrected=corrected[:100], reason=reason[:300])


def _dispatch(actor, appeal, inputs, now) -> str:
    dept = _department(inputs.get("department"))
    suggestion = appeal.triage.get("suggestion", {}) if isinstance(appeal.triage, dict) else {}
    category = appeal.category
    if inputs.get("category"):
        category = Category.objects.filter(code=str(inputs["category"])).first()
        if category is None:
            raise InvalidInput("category", f"unknown category {str(inputs['category'])[:32]!r}")
    if category is not None:
        _correct(appeal, actor, now, "category", suggestion.get("category_l2", ""), category.level2 or category.level1)
    suggested_dept = suggestion.get("department", "")
    if suggested_dept == "township" and appeal.township_id:
        suggested_dept = appeal.township.code
    _correct(appeal, actor, now, "department", suggested_dept, dept.code)
    if inputs.get("priority") not in (None, ""):
        try:
            priority = max(0, min(100, int(inputs["priority"])))
        except (TypeError, ValueError):
            raise InvalidInput("priority", "a whole number 0–100") from None
        _correct(appeal, actor, now, "priority", str(appeal.priority), str(priority))
        appeal.priority = priority
    if inputs.get("emotion"):
        _correct(appeal, actor, now, "emotion", appeal.emotion, str(inputs["emotion"])[:10])
        appeal.emotion = str(inputs["emotion"])[:10]
    appeal.category, appeal.department = category, dept
    if appeal.state == "reopened":
        appeal.deadline = sla.deadline_for(appeal.appeal_type, now, appeal.urgent)
    return f"→ {dept}"


def _return(actor, appeal, inputs, now) -> str:
    reason = _reason(inputs)
    code = appeal.department.code if appeal.department_id else ""
    # a 退单 says "this department was wrong": training data for the router
    TriageCorrection.objects.create(appeal=appeal, at=now, actor=_actor_name(actor), field="return",
                                    suggested=code, corrected="not:" + code, reason=reason[:300])
    appeal.return_count += 1
    appeal.department = None
    return reason


def _request_extension(actor, appeal, inputs, now) -> str:
    reason = _reason(inputs)
    try:
        days = int(inputs.get("days") or 0)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= 30:
        raise InvalidInput("days", "extension must be 1–30 working days")
    appeal.extension_until = sla.extension_deadline(appeal.deadline or now, days)
    appeal.extension_reason = reason[:300]
    return f"+{days} · {reason}"


def _approve_extension(actor, appeal, inputs, now) -> str:
    appeal.deadline, appeal.extension_until = appeal.extension_until, None
    return f"→ {timezone.localtime(appeal.deadline):%Y-%m-%d}"


def _reject_extension(actor, appeal, inputs, now) -> str:
    reason = _reason(inputs)
    appeal.extension_until, appeal.extension_reason = None, ""
    return reason


def _cohandle(actor, appeal, inputs, now) -> str:
    dept = _department(inputs.get("department"))
    if dept.pk == appeal.department_id:
        raise InvalidInput("department", "the lead department cannot also co-handle")
    appeal.co_departments.add(dept)
    return f"+ {dept}"


def _reply(actor, appeal, inputs, now) -> str:
    text = _reason(inputs, "reply_text")
    appeal.reply_text, appeal.replied_at = text, now
    return text


def _approve(actor, appeal, inputs, now) -> str:
    appeal.closed_at = now
    return str(inputs.get("note") or "")[:500]


def _reject_reply(actor, appeal, inputs, now) -> str:
    return _reason(inputs)


def _follow_up(actor, appeal, inputs, now) -> str:
    value = str(inputs.get("satisfaction") or "")
    if value not in Appeal.Satisfaction.values:
        raise InvalidInput("satisfaction", "choose satisfied, basic or unsatisfied")
    appeal.satisfaction = value
    if value == "unsatisfied":
        appeal.reopen_count += 1
        appeal.closed_at = None
    return str(inputs.get("note") or "")[:500]


def _supervise(actor, appeal, inputs, now) -> str:
    reason = _reason(inputs)
    appeal.supervised = True
    raise_alert(actor, appeal, AppealAlert.Kind.SUPERVISED, reason[:300], now)
    return reason


def _remind(actor, appeal, inputs, now) -> str:
    return str(inputs.get("note") or "")[:500]


def _merge(actor, appeal, inputs, now) -> str:
    target = Appeal.objects.filter(pk=inputs.get("duplicate_of")).first() if str(inputs.get("duplicate_of") or "").isdigit() \
        else Appeal.objects.filter(tracking_code=str(inputs.get("duplicate_of") or "")).first()
    if target is None or target.pk == appeal.pk:
        raise InvalidInput("duplicate_of", "name another existing appeal (id or tracking code)")
    if target.duplicate_of_id:
        target = target.duplicate_of
    ensure(actor, "appeals.read", target)
    appeal.duplicate_of, appeal.closed_at = target, now
    return f"= {target.tracking_code}"


EFFECTS = {"dispatch": _dispatch, "acknowledge": lambda *a: "", "return": _return,
           "request_extension": _request_extension, "approve_extension": _approve_extension,
           "reject_extension": _reject_extension, "cohandle": _cohandle, "reply": _reply, "approve": _approve,
           "reject_reply": _reject_reply, "follow_up": _follow_up, "supervise": _supervise, "remind": _remind,
           "merge": _merge}


def transition(actor: Any, appeal_id: int | str, name: str, now: dt.datetime | None = None,
               **inputs: Any) -> Appeal:
    """Take workflow step `name` on an appeal (checked against the table and the actor's rights)."""
    current = get_appeal(actor, appeal_id)  # out of the actor's scope: refused before anything else is said
    step = workflow.get(name)
    now = now or timezone.now()
    _check_step(actor, current, name, audit=True)
    with transaction.atomic():
        appeal = (Appeal.objects.select_for_update(of=("self",)).select_related("department", "township", "category")
                  .get(pk=get_appeal(actor, appeal_id).pk))
        _check_step(actor, appeal, name, audit=False)  # the state may have moved meanwhile
        before = appeal.state
        note = EFFECTS[name](actor, appeal, inputs, now)
        appeal.state = workflow.target_of(step, appeal, inputs)
        appeal.save()
        AppealEvent.objects.create(appeal=appeal, at=now, actor=_actor_name(actor), action=name, from_state=before,
                                   to_state=appeal.state, note=note, public=step.public,
                                   department=getattr(actor, "department", None))
        record(actor, Event(f"appeal.{name}", "appeal", appeal.tracking_code, pii=appeal.citizen_phone,
                            details={"from": before, "to": appeal.state,
                                     "department": appeal.department.code if appeal.department_id else ""}))
    return appeal


def _check_step(actor: Any, appeal: Appeal, name: str, *, audit: bool) -> None:
    decision = workflow.decide_transition(actor, appeal, name)
    if decision.allowed:
        return
    if audit:
        record_denial(actor, f"appeals.{name}", appeal, decision)
    raise Forbidden(decision.reason, policy_id=decision.policy_id)


def available_steps(actor: Any, appeal: Appeal) -> list[workflow.Transition]:
    """The buttons the actor may press on this appeal now."""
    return workflow.available(actor, appeal)


# --- alerts, deadlines ---------------------------------------------------------------------------


def alerts(actor: Any, limit: int = 50) -> list[AppealAlert]:
    """Open alerts on appeals the actor may read (leaders and the 12345 centre see all)."""
    visible = scoped(actor).values("id")
    # extreme cases first, then overdue, near due and supervised; newest first within a kind
    rank = Case(When(kind="extreme", then=0), When(kind="overdue", then=1), When(kind="near_due", then=2),
                default=3, output_field=IntegerField())
    return list(AppealAlert.objects.filter(acknowledged_at__isnull=True, appeal_id__in=visible)
                .select_related("appeal", "appeal__department").order_by(rank, "-created_at")[:limit])


def acknowledge_alert(actor: Any, alert_id: int) -> AppealAlert:
    """Mark an alert as seen (leader or dispatcher; audited)."""
    alert = AppealAlert.objects.select_related("appeal").filter(pk=alert_id, acknowledged_at__isnull=True).first()
    if alert is None:
        raise NotFound("alert", alert_id)
    if not (allowed(actor, "appeals.supervise", alert.appeal) or allowed(actor, "appeals.dispatch", alert.appeal)):
        ensure(actor, "appeals.supervise", alert.appeal)
    with transaction.atomic():
        alert.acknowledged_by, alert.acknowledged_at = _actor_name(actor), timezone.now()
        alert.save(update_fields=["acknowledged_by", "acknowledged_at"])
        record(actor, Event("appeal.alert_acknowledged", "appeal", alert.appeal.tracking_code,
                            details={"kind": alert.kind}))
    return alert


def due_list(actor: Any, now: dt.datetime | None = None) -> dict[str, list[Appeal]]:
    """Open appeals past or near their deadline, in the actor's scope."""
    now = now or timezone.now()
    return {"overdue": list(list_appeals(actor, ListFilter(due="overdue"), now)[:200]),
            "near_due": list(list_appeals(actor, ListFilter(due="near_due"), now)[:200])}


def check_deadlines(now: dt.datetime | None = None) -> dict[str, int]:
    """The periodic check: raise near-due and overdue alerts (催办) once per appeal; audited."""
    now = now or timezone.now()
    open_qs = Appeal.objects.filter(state__in=workflow.OPEN_STATES, deadline__isnull=False)
    counts = {"overdue": 0, "near_due": 0}
    for appeal in open_qs.filter(deadline__lt=now).iterator():
        counts["overdue"] += raise_alert(SYSTEM, appeal, AppealAlert.Kind.OVERDUE,
                                         f"deadline {timezone.localtime(appeal.deadline):%Y-%m-%d %H:%M} passed", now)
    near = open_qs.filter(deadline__gte=now, deadline__lte=now + dt.timedelta(hours=sla.near_due_hours()))
    for appeal in near.iterator():
        counts["near_due"] += raise_alert(SYSTEM, appeal, AppealAlert.Kind.NEAR_DUE,
                                          f"due {timezone.localtime(appeal.deadline):%Y-%m-%d %H:%M}", now)
    return counts


# --- training data -------------------------------------------------------------------------------


def training_records(since: dt.datetime | None = None) -> Iterator[dict[str, Any]]:
    """Appeals whose routing a person confirmed or corrected, as labelled examples for `zhongshu nlp train`.

    An appeal counts once it was dispatched and not returned since (the department is then the
    dispatcher's decision), or it is closed. Yields title, text, category (level 1), category_l2,
    department, emotion, intensity, urgency, priority, corrected (fields a person changed).
    No personal data is included: title and text are scrubbed (typed identifiers become typed
    placeholders such as 【手机号】, which the models may learn from as words).
    """
    qs = (Appeal.objects.filter(department__isnull=False, duplicate_of__isnull=True)
          .exclude(state__in=["received", "returned"]).select_related("category", "department")
          .prefetch_related("corrections").order_by("id"))
    if since is not None:
        qs = qs.filter(updated_at__gte=since)
    for a in qs.iterator(chunk_size=500):
        corrected = sorted({c.field for c in a.corrections.all()})
        department = a.department.code
        if a.category_id and a.category.route_to_township and a.department.kind == "township":
            department = "township"
        yield {"id": a.pk, "title": scrub(a.title), "text": scrub(a.text),
               "category": a.category.level1 if a.category_id else "",
               "category_l2": a.category.level2 if a.category_id else "",
               "department": department, "emotion": a.emotion, "intensity": a.intensity, "urgency": a.urgency,
               "priority": a.priority, "appeal_type": a.appeal_type, "corrected": corrected}


def training_export(actor: Any, since: dt.datetime | None = None) -> Iterator[dict[str, Any]]:
    """`training_records` for export by a person or the CLI; one appeal.export.read event for what was taken."""
    decision = ensure(actor, "appeals.read")
    count = 0
    try:
        for row in training_records(since):
            count += 1
            yield row
    finally:
        _read_event(actor, "appeal.export.read", count, policy=decision.policy_id, page="training-export",
                    filter={"since": since.isoformat()} if since else {})
