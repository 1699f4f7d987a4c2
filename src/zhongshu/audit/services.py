"""Writing and reading the audit log.

`record()` appends one event in the caller's transaction (it opens one when there is none), so a
change and its audit record commit or roll back together (ARCHITECTURE rule 2).
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from hashlib import sha256
from typing import Any

from django.conf import settings
from django.db import transaction

from zhongshu.audit import chain, events
from zhongshu.audit.context import client_ip
from zhongshu.audit.models import AuditEvent, AuditHead, RepeatCounter


@dataclass
class Event:
    """One thing that happened: what, to what, with what outcome and why."""

    action: str
    object_type: str = ""
    object_id: str = ""
    outcome: str = "success"
    reason: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    pii: str = ""  # personal data this event concerns; only its keyed digest is stored


def pii_digest(value: str) -> str:
    """Keyed pseudonym (HMAC-SHA256) of personal data: comparable, not reversible or enumerable."""
    if not value:
        return ""
    key = sha256(("zhongshu-pii:" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, value.encode(), sha256).hexdigest()


OUTCOMES = ("success", "partial", "failure", "denied")
SYSTEM_NAME = "system"  # how the system actor appears in the log (audit cannot import accounts)


class UnregisteredEvent(TypeError):
    """A programming error: the event is not in `audit.events`, or carries undeclared fields."""


def check_event(event: Event) -> None:
    """Refuse an event whose action is unregistered or whose details hold undeclared keys."""
    et = events.get(event.action)
    if et is None:
        raise UnregisteredEvent(f"audit event {event.action!r} is not registered in zhongshu.audit.events")
    extra = set(event.details) - et.fields
    if extra:
        raise UnregisteredEvent(f"audit event {event.action!r} does not declare the fields {sorted(extra)}")
    if event.outcome not in OUTCOMES:
        raise UnregisteredEvent(f"audit event outcome must be one of success, partial, failure, denied, not {event.outcome!r}")


def _actor_fields(actor: Any) -> tuple[str, str, str]:
    if actor is None:
        raise TypeError("audit.record needs an actor: pass accounts.system.SYSTEM for the hub itself")
    if getattr(actor, "is_system", False):
        return SYSTEM_NAME, "", ""
    if isinstance(actor, str):
        return actor, "", ""
    if not getattr(actor, "is_authenticated", False):
        return "anonymous", "", ""
    dept = actor.department.code if getattr(actor, "department_id", None) else ""
    return actor.get_username(), getattr(actor, "role", ""), dept


def _now_ms() -> datetime:
    now = datetime.now(timezone.utc)
    return now.replace(microsecond=(now.microsecond // 1000) * 1000)


def record(actor: Any, event: Event) -> AuditEvent:
    """Append an event to the chain, inside the current transaction."""
    check_event(event)
    name, role, dept = _actor_fields(actor)
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AuditHead.objects.create(pk=1, seq=0, hash=chain.GENESIS)
        row = AuditEvent(
            seq=head.seq + 1,
            at=_now_ms(),
            actor=name[:150],
            role=role,
            department=dept,
            ip=client_ip.get(),
            action=event.action,
            object_type=event.object_type[:50],
            object_id=str(event.object_id)[:100],
            outcome=event.outcome,
            reason=event.reason[:300],
            pii_digest=pii_digest(event.pii),
            details=event.details,
            algo=settings.ZHONGSHU_AUDIT_HASH,
            prev_hash=head.hash,
        )
        row.hash = chain.compute_hash(row)
        row.save()
        AuditHead.objects.filter(pk=1).update(seq=row.seq, hash=row.hash)
    return row


def record_denial(actor: Any, action: str, resource: Any, decision: Any) -> None:
    """Audit a refused authorization (abuse detection reads these); a missing actor is anonymous."""
    record(
        actor or "anonymous",
        Event(
            action="authz.denied",
            object_type=type(resource).__name__ if resource is not None else "",
            object_id=str(getattr(resource, "pk", "") or ""),
            outcome="denied",
            reason=decision.reason,
            details={"requested": action, "policy": decision.policy_id},
        ),
    )


# Distinct sources per action and window recorded one by one; beyond this they share one counter,
# so rotating addresses cannot grow the log either.
REPEAT_KEYS_PER_WINDOW = 200


def _summarise(counter: RepeatCounter, window: int) -> None:
    if counter.count > 1:
        record(SYSTEM_NAME, Event("audit.suppressed", "audit", counter.action, "failure",
                                  f"{counter.count - 1} more like the first in {window} s",
                                  details={"action": counter.action, "count": counter.count - 1, "window": window}))


def record_repeated(actor: Any, event: Event, key: str, now: datetime | None = None) -> bool:
    """Record a failure by an unauthenticated party, aggregating repeats of (action, key) in a window.

    The first failure of each window is recorded in full; later ones only raise a counter that
    reaches the log as one `audit.suppressed` record when the window ends (`flush_repeats`, or the
    next failure after it). Returns True when the event was recorded in full.
    """
    check_event(event)
    now = now or datetime.now(timezone.utc)
    window = settings.ZHONGSHU_AUDIT_REPEAT_SECONDS
    since = now - timedelta(seconds=window)
    digest = pii_digest("repeat:" + (key or ""))
    with transaction.atomic():
        counter = RepeatCounter.objects.select_for_update().filter(action=event.action, key=digest).first()
        if counter is None and RepeatCounter.objects.filter(action=event.action, window_start__gte=since).count() \
                >= REPEAT_KEYS_PER_WINDOW:
            digest = "*"
            counter = RepeatCounter.objects.select_for_update().filter(action=event.action, key=digest).first()
        if counter is not None and counter.window_start >= since:
            RepeatCounter.objects.filter(pk=counter.pk).update(count=counter.count + 1)
            return False
        if counter is not None:
            _summarise(counter, window)
            counter.window_start, counter.count = now, 1
            counter.save(update_fields=["window_start", "count"])
        else:
            RepeatCounter.objects.create(action=event.action, key=digest, window_start=now, count=1)
        record(actor, event)
    return True


def flush_repeats(now: datetime | None = None) -> int:
    """Write the summaries of windows that have ended and forget them (the periodic check)."""
    now = now or datetime.now(timezone.utc)
    window = settings.ZHONGSHU_AUDIT_REPEAT_SECONDS
    done = 0
    with transaction.atomic():
        for counter in RepeatCounter.objects.select_for_update().filter(
                window_start__lt=now - timedelta(seconds=window)):
            _summarise(counter, window)
            counter.delete()
            done += 1
    return done


def iter_events(batch: int = 5000) -> Iterator[AuditEvent]:
    """All records in seq order, read in batches (the log can be large)."""
    last = 0
    while True:
        rows = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def verify_chain() -> chain.VerifyResult:
    """Verify the whole chain, and that its tip matches the recorded head."""
    result = chain.verify(iter_events())
    if not result.ok:
        return result
    head = AuditHead.objects.filter(pk=1).first()
    head_seq = head.seq if head else 0
    if head_seq != result.checked:
        return chain.VerifyResult(False, result.checked, result.checked + 1 if head_seq > result.checked else head_seq + 1,
                                  "the chain's end does not match its recorded head (records removed or appended)")
    last = AuditEvent.objects.order_by("-seq").first()
    if last is not None and head is not None and last.hash != head.hash:
        return chain.VerifyResult(False, result.checked, last.seq, "the last record does not match the recorded head")
    return result
