"""The system administrator's account changes, with the two-person rule for privileged accounts.

A change that touches a privileged account (`separation.is_privileged`: auditor, security
administrator, a 大数据局 steward or handler) — creating one, moving an account into or out of
those roles, enabling one, resetting its password — becomes an `AccountRequest`. A security
administrator who is neither the requester nor the account's holder approves it (and only then
does it take effect) or refuses it with a reason. Every other change takes effect at once. All
of it is audited: `user.request.created/approved/refused` and the change itself, naming the request.

A temporary password (new account, reset) is returned once to whoever made the change happen — for
a privileged account that is the approving security administrator, never the requester — and the
account must choose its own password at its next login.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhongshu.accounts import passwords, services
from zhongshu.accounts.models import AccountRequest, User
from zhongshu.accounts.permissions import Decision, ensure
from zhongshu.accounts.separation import ensure_not_last, ensure_not_self, is_privileged, user_is_privileged
from zhongshu.audit.services import Event, record, record_denial
from zhongshu.core.errors import Forbidden, InvalidInput, NotFound

Kind = AccountRequest.Kind
Status = AccountRequest.Status


@dataclass
class Outcome:
    """What a proposal or an approval did: an account created or changed at once, a request
    waiting for approval, and a temporary password to show once ("" when none)."""

    user: User | None = None
    request: AccountRequest | None = None
    temp_password: str = ""


def _dept_code(user: User) -> str | None:
    return user.department.code if user.department_id else None


def _no_pending(*, username: str = "", target: User | None = None) -> None:
    pending = AccountRequest.objects.filter(status=Status.PENDING)
    pending = pending.filter(target=target) if target is not None else pending.filter(username=username)
    if pending.exists():
        raise InvalidInput("username", "a request for this account is pending",
                           hint="wait for the security administrator's decision")


def _request(actor: Any, kind: str, *, username: str, target: User | None = None, role: str = "",
             department_code: str | None = None, display_name: str = "") -> Outcome:
    department = services.check_department(role, department_code) if role else None
    with transaction.atomic():
        req = AccountRequest.objects.create(kind=kind, target=target, username=username, role=role,
                                            department=department, display_name=display_name,
                                            requested_by=actor, requested_at=timezone.now())
        record(actor, Event("user.request.created", "account_request", req.pk,
                            details={"kind": kind, "role": role, "department": department_code or "",
                                     "target": username}))
    return Outcome(request=req)


def propose_create(actor: Any, *, username: str, role: str, department_code: str | None,
                   display_name: str = "") -> Outcome:
    """Create an account with a temporary password, or request it when it is privileged."""
    ensure(actor, "accounts.manage")
    username = (username or "").strip()
    services.check_new_account(username, role, department_code)
    _no_pending(username=username)
    if is_privileged(role, department_code):
        return _request(actor, Kind.CREATE, username=username, role=role, department_code=department_code,
                        display_name=display_name)
    temp = passwords.temporary_password()
    user = services.create_user(actor, username=username, password=temp, role=role, department_code=department_code,
                                display_name=display_name, temporary=True)
    return Outcome(user=user, temp_password=temp)


def propose_update(actor: Any, user: User, *, role: str, department_code: str | None, display_name: str) -> Outcome:
    """Change role, department and display name; a request when the account is or becomes privileged."""
    ensure(actor, "accounts.manage", user)
    ensure_not_self(actor, user)
    department_code = department_code or None
    services.check_department(role, department_code)
    ensure_not_last(user, role_after=role, active_after=user.is_active)
    scope_changes = role != user.role or (department_code or None) != _dept_code(user)
    if scope_changes and (user_is_privileged(user) or is_privileged(role, department_code)):
        _no_pending(target=user)
        return _request(actor, Kind.UPDATE, username=user.username, target=user, role=role,
                        department_code=department_code, display_name=display_name)
    services.apply_update(actor, user, role=role, department_code=department_code, display_name=display_name)
    return Outcome(user=user)


def propose_enable(actor: Any, user: User) -> Outcome:
    """Enable an account; a request when it is privileged."""
    ensure(actor, "accounts.manage", user)
    ensure_not_self(actor, user)
    if user.is_active:
        raise InvalidInput("user_id", "this account is already enabled")
    if user_is_privileged(user):
        _no_pending(target=user)
        return _request(actor, Kind.ENABLE, username=user.username, target=user)
    services.apply_active(actor, user, True)
    return Outcome(user=user)


def disable(actor: Any, user: User) -> Outcome:
    """Disable an account at once (never the last auditor, security or system administrator)."""
    ensure(actor, "accounts.manage", user)
    ensure_not_self(actor, user)
    services.apply_active(actor, user, False)
    return Outcome(user=user)


def propose_reset(actor: Any, user: User) -> Outcome:
    """Give the account a temporary password; a request when it is privileged."""
    ensure(actor, "accounts.manage", user)
    ensure_not_self(actor, user)
    if user_is_privileged(user):
        _no_pending(target=user)
        return _request(actor, Kind.RESET, username=user.username, target=user)
    return Outcome(user=user, temp_password=passwords.reset(actor, user))


def _check_decider(actor: Any, req: AccountRequest) -> None:
    """The decider holds `accounts.approve` and is neither the requester nor the account's holder
    (refusals are audited as `authz.denied`, outside the decision's transaction)."""
    ensure(actor, "accounts.approve", req)
    me = getattr(actor, "pk", None)
    reason = ""
    if req.requested_by_id == me:
        reason = "nobody may approve their own request"
    elif req.target_id is not None and req.target_id == me:
        reason = "nobody may decide a request about their own account"
    if reason:
        record_denial(actor, "accounts.approve", req, Decision.deny(reason, "two-person"))
        raise Forbidden(reason, policy_id="two-person")


def _lock_pending(req: AccountRequest) -> AccountRequest:
    """The request, locked for this transaction, if it still waits for a decision."""
    locked = AccountRequest.objects.select_for_update().filter(pk=req.pk).first()
    if locked is None or locked.status != Status.PENDING:
        raise InvalidInput("request_id", "this request has already been decided")
    return locked


def _decide(actor: Any, req: AccountRequest, status: str, reason: str = "") -> None:
    req.status, req.decided_by, req.decided_at, req.reason = status, actor, timezone.now(), reason
    req.save(update_fields=["status", "decided_by", "decided_at", "reason", "target"])
    action = "user.request.approved" if status == Status.APPROVED else "user.request.refused"
    record(actor, Event(action, "account_request", req.pk, reason=reason,
                        details={"kind": req.kind, "requested_by": req.requested_by.username, "target": req.username}))


def approve(actor: Any, req: AccountRequest) -> Outcome:
    """A security administrator approves: the change takes effect now, in the same transaction."""
    _check_decider(actor, req)
    with transaction.atomic():
        req = _lock_pending(req)
        rid = str(req.pk)
        dept = req.department.code if req.department_id else None
        outcome = Outcome(request=req)
        if req.kind == Kind.CREATE:
            outcome.temp_password = passwords.temporary_password()
            outcome.user = services.make_account(actor, username=req.username, password=outcome.temp_password,
                                                 role=req.role, department_code=dept, display_name=req.display_name,
                                                 temporary=True, request_id=rid)
            req.target = outcome.user
        elif req.kind == Kind.UPDATE:
            services.apply_update(actor, req.target, role=req.role, department_code=dept,
                                  display_name=req.display_name, request_id=rid)
            outcome.user = req.target
        elif req.kind == Kind.ENABLE:
            services.apply_active(actor, req.target, True, request_id=rid)
            outcome.user = req.target
        else:
            outcome.temp_password = passwords.reset(actor, req.target, request_id=rid)
            outcome.user = req.target
        _decide(actor, req, Status.APPROVED)
    return outcome


def refuse(actor: Any, req: AccountRequest, reason: str) -> None:
    """A security administrator refuses, with a reason (nothing changes)."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("reason", "a refusal needs a reason", hint="say why, e.g. 未经单位推荐")
    _check_decider(actor, req)
    with transaction.atomic():
        req = _lock_pending(req)
        _decide(actor, req, Status.REFUSED, reason[:300])


def get(actor: Any, pk: int) -> AccountRequest:
    """One request, for a security administrator deciding it."""
    ensure(actor, "accounts.approve")
    req = AccountRequest.objects.select_related("requested_by", "target", "department").filter(pk=pk).first()
    if req is None:
        raise NotFound("request", pk)
    return req


def _listing():
    return AccountRequest.objects.select_related("requested_by", "decided_by", "target", "department")


def pending_for_approval(actor: Any):
    """Requests waiting for a decision (security administrator)."""
    ensure(actor, "accounts.approve")
    return _listing().filter(status=Status.PENDING)


def recently_decided(actor: Any, limit: int = 20):
    ensure(actor, "accounts.approve")
    return _listing().exclude(status=Status.PENDING).order_by("-decided_at")[:limit]


def pending_requested(actor: Any):
    """Requests the system administrators made that wait for a decision (system administrator's view)."""
    ensure(actor, "accounts.manage")
    return _listing().filter(status=Status.PENDING)
