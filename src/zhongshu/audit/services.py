"""Writing, verifying and checkpointing the audit log.

`record()` appends one event in the caller's transaction (it opens one when there is none), so a
change and its audit record commit or roll back together (ARCHITECTURE rule 2). Its hash is an
HMAC under the chain key (`keys`), which is not in the database.

`verify_chain()` walks the chain, checks the head, and checks the chain against the latest signed
checkpoint exported outside the database (and an auditor's own copy); `write_checkpoint()` signs
a new checkpoint, only over a chain that verifies and extends the previous checkpoint.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from hashlib import sha256
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from zhongshu.audit import chain, checkpoints, events, keys
from zhongshu.audit.checkpoints import Checkpoint, CheckpointError
from zhongshu.audit.context import client_ip
from zhongshu.audit.models import AuditEvent, AuditHead, RepeatCounter

logger = logging.getLogger(__name__)


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
        ring = _chain_keys(head)
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
            algo=chain.keyed_algo(settings.ZHONGSHU_AUDIT_HASH),
            key_id=ring.current,
            prev_hash=head.hash,
        )
        row.hash = chain.compute_hash(row, ring)
        row.save()
        AuditHead.objects.filter(pk=1).update(seq=row.seq, hash=row.hash)
    return row


def _chain_keys(head: AuditHead) -> keys.Keyring:
    """The chain keys for a new record; the key is created on first use, but never for a keyed log.

    A log whose head is already keyed has lost its key when none is found: writing on with a new
    key would hide that (and make every earlier record unverifiable), so the write fails instead.
    """
    ring = keys.keyring(create=False)
    if ring is None:
        tip = AuditEvent.objects.filter(seq=head.seq).values_list("algo", "key_id").first()
        if tip is not None and chain.is_keyed(tip[0]):
            raise keys.missing_key(tip[1] or "")
        ring = keys.keyring(create=True)
    return ring


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


def iter_events(batch: int = 5000, after: int = 0, upto: int | None = None) -> Iterator[AuditEvent]:
    """Records with seq in (after, upto] in seq order, read in batches (the log can be large)."""
    last = after
    while True:
        rows = AuditEvent.objects.filter(seq__gt=last).order_by("seq")
        if upto is not None:
            rows = rows.filter(seq__lte=upto)
        rows = list(rows[:batch])
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def _walk(walker: chain.Walker, upto: int | None = None) -> bool:
    """Feed the walker every record after the one it stands on (up to `upto`); False at a broken one."""
    return all(walker.feed(event) for event in iter_events(after=walker.next_seq - 1, upto=upto))


def _head() -> tuple[int, str, bool]:
    head = AuditHead.objects.filter(pk=1).first()
    return (head.seq, head.hash, True) if head else (0, chain.GENESIS, False)


def _first_hash() -> str | None:
    return AuditEvent.objects.filter(seq=1).values_list("hash", flat=True).first()


def _broken(base: chain.VerifyResult, bad_seq: int | None, problem: str) -> chain.VerifyResult:
    return replace(base, ok=False, bad_seq=bad_seq, problem=problem)


def _check_head(walker: chain.Walker) -> tuple[int | None, str]:
    """Where the walked chain and its recorded head disagree, if they do (bad seq, problem)."""
    head_seq, head_hash, exists = _head()
    if head_seq > walker.next_seq - 1:  # records committed while we walked: walk on to the head
        if not _walk(walker, upto=head_seq):
            return walker.bad_seq, walker.problem
    end = walker.next_seq - 1
    if not exists and end:
        return 1, "the chain's head row is missing"
    if end < head_seq:
        return end + 1, f"missing: the chain ends at #{end} but its head names #{head_seq} (records removed from the end)"
    if end > head_seq:
        return head_seq + 1, f"after the recorded head #{head_seq}: records added outside the hub"
    if walker.prev_hash != head_hash:
        return end, "the recorded head does not match the last record"
    return None, ""


def _check_checkpoint(cp: Checkpoint, end: int) -> tuple[int | None, str]:
    """Where the chain (walked and intact up to #end) contradicts a signed checkpoint, if it does."""
    if cp.seq > end:
        return end + 1, (f"missing: the chain ends at #{end}, before the {cp.describe()} — records were removed "
                         "(trimmed, truncated, or an older backup restored)")
    if _first_hash() != cp.chain:
        return 1, f"not the chain of the {cp.describe()}: the log was replaced from its first record"
    signed = AuditEvent.objects.filter(seq=cp.seq).values_list("hash", flat=True).first()
    if signed != cp.hash:
        return cp.seq, f"does not match the hash signed in the {cp.describe()}: the chain was rewritten"
    return None, ""


def verify_chain(checkpoint: Path | None = None, public_key: Path | None = None) -> chain.VerifyResult:
    """Verify the whole chain, its head, and the latest signed checkpoint (and an auditor's copy).

    `checkpoint` is the auditor's own copy (a checkpoint file, or a folder of them); `public_key`
    the auditor's pinned copy of the public key it is checked with.
    """
    walker = chain.Walker(keys.keyring(create=False))
    if not _walk(walker):
        return walker.result()
    bad_seq, problem = _check_head(walker)
    result = walker.result()
    if problem:
        return _broken(result, bad_seq, problem)
    end = walker.next_seq - 1
    checked, warnings = [], []
    try:
        sources = [(checkpoints.latest(), None)]
        if checkpoint is not None:
            given = checkpoints.latest(checkpoint)
            if given is None:
                raise CheckpointError(f"no checkpoint found in {checkpoint}")
            sources.append((given, public_key))
        for cp, pinned in sources:
            if cp is None:
                warnings.append(f"no checkpoint has been exported to {checkpoints.folder()} yet: records at the end "
                                "could be removed unnoticed (run `zhongshu audit checkpoint`)")
                continue
            checkpoints.check_signature(cp, pinned)
            bad_seq, problem = _check_checkpoint(cp, end)
            if problem:
                return _broken(result, bad_seq, problem)
            checked.append(cp)
    except CheckpointError as exc:
        return _broken(result, None, str(exc))
    newer = end - max((cp.seq for cp in checked), default=end)
    if newer:
        warnings.append(f"{newer} record{'s' if newer > 1 else ''} after the latest checkpoint: protected by the "
                        "chain key, covered by the next checkpoint")
    return replace(result, checkpoints=tuple(cp.describe() for cp in checked), warnings=tuple(warnings),
                   checkpoint_seq=max((cp.seq for cp in checked), default=None))


@dataclass(frozen=True)
class CheckpointOutcome:
    """What `write_checkpoint` did: written, unchanged (nothing new), empty (no records), or refused."""

    status: str
    checkpoint: Checkpoint | None = None
    file: Path | None = None
    bad_seq: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.status != "refused"


def _extends(prev: Checkpoint, walker: chain.Walker, head_seq: int) -> tuple[int | None, str]:
    """Place the walker on the previous checkpoint's record, after checking the chain still holds it."""
    if head_seq < prev.seq:
        return head_seq + 1, f"missing: the chain's head #{head_seq} is before the latest {prev.describe()}"
    if _first_hash() != prev.chain:
        return 1, f"not the chain of the latest {prev.describe()}"
    at = AuditEvent.objects.filter(seq=prev.seq).values_list("hash", "algo").first()
    if at is None or at[0] != prev.hash:
        return prev.seq, f"does not match the latest {prev.describe()}"
    walker.prev_hash, walker.next_seq, walker.keyed_seen = prev.hash, prev.seq + 1, chain.is_keyed(at[1])
    return None, ""


def write_checkpoint(actor: Any, *, audited: bool = True, only_if_grown: bool = False) -> CheckpointOutcome:
    """Sign the current head and append it to the checkpoint files.

    Only a chain that verifies is signed: the records since the latest checkpoint are walked from
    it (the whole chain for the first one), so a checkpoint never vouches for a tampered log nor
    goes below an earlier one. A refusal is audited as a failed `audit.checkpoint`.
    """
    head_seq, head_hash, _ = _head()
    if head_seq == 0:
        return CheckpointOutcome("empty")
    try:
        prev = checkpoints.latest()
        if prev is not None:
            checkpoints.check_signature(prev)
    except CheckpointError as exc:
        return _refuse(actor, None, str(exc))
    if only_if_grown and prev is not None and (prev.seq, prev.hash) == (head_seq, head_hash):
        return CheckpointOutcome("unchanged", prev)
    walker = chain.Walker(keys.keyring(create=False))
    if prev is not None:
        bad_seq, problem = _extends(prev, walker, head_seq)
        if problem:
            return _refuse(actor, bad_seq, problem)
    if not _walk(walker, upto=head_seq):
        return _refuse(actor, walker.bad_seq, walker.problem)
    if walker.next_seq - 1 != head_seq or walker.prev_hash != head_hash:
        return _refuse(actor, walker.next_seq, "the chain does not reach its recorded head")
    cp = checkpoints.sign(prev.chain if prev else _first_hash() or "", head_seq, head_hash)
    path = checkpoints.append(cp)
    if audited:
        record(actor, Event("audit.checkpoint", "audit", str(cp.seq), details={"seq": cp.seq, "file": path.name}))
    return CheckpointOutcome("written", cp, path)


def _refuse(actor: Any, bad_seq: int | None, problem: str) -> CheckpointOutcome:
    logger.error("audit checkpoint refused: %s%s", f"record #{bad_seq}: " if bad_seq else "", problem)
    record(actor, Event("audit.checkpoint", "audit", str(bad_seq or ""), "failure", problem,
                        details={"seq": bad_seq}))
    return CheckpointOutcome("refused", bad_seq=bad_seq, problem=problem)


def rotate_keys(actor: Any, *, chain_key: bool = True, signing_key: bool = True) -> CheckpointOutcome:
    """Start new keys: a new chain key for new records, a new checkpoint signing key; then checkpoint.

    Old chain keys stay in the key file to verify older records; old checkpoints keep verifying
    with the public keys exported beside them. The rotation is audited with the new key ids.
    """
    details: dict[str, Any] = {}
    if chain_key:
        details["chain_key"] = keys.rotate_hmac()
    if signing_key:
        details["signing_key"] = keys.public_key_id(keys.rotate_signing().public_key())
    record(actor, Event("audit.keys_rotated", "audit", "", details=details))
    return write_checkpoint(actor)
