"""Accounts: login/logout with lockout and audit, users and departments, the security page's actions.

Changes to accounts that the system administrator asks for go through `accounts.requests`, which
applies the two-person rule for privileged accounts and then calls the functions here.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.db import transaction

from zhongshu.accounts import lockout, passwords, policy
from zhongshu.accounts.models import Department, User
from zhongshu.accounts.permissions import ensure, restrict
from zhongshu.accounts.roles import Role
from zhongshu.accounts.separation import ensure_not_last, is_privileged, user_is_privileged
from zhongshu.accounts.sessions import end_sessions
from zhongshu.accounts.system import SYSTEM, is_system
from zhongshu.audit.services import Event, record, record_repeated
from zhongshu.core.errors import Forbidden, InvalidInput, NotFound

# Roles that belong to no department (they run the hub, not a department's business).
DEPARTMENTLESS_ROLES = {Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR}

BLOCKED = "too many failed logins from this address; try again later"
LOCKED = "too many failed logins: this account is locked for a while; try again later"
WRONG = "wrong username or password"


class LoginRefused(Forbidden):
    """Wrong credentials, a locked account or a blocked IP (the message never says which user exists)."""


def login_check(username: str, password: str, ip: str | None, device: str = "") -> User:
    """Authenticate with lockout; audit success, failure and lockout. Returns the user or raises.

    `device` is the nonce of a valid device cookie for this username ("" for none): such a browser
    is judged by its own failures, not by the address block or the account lockout (lockout.py).
    Repeated refusals and failures are aggregated in the audit log (`record_repeated`).
    """
    p = policy.current()
    username = (username or "").strip()[:150]
    who = username or "anonymous"
    trusted = lockout.device_trusted(device, p)
    exception = False
    if not trusted:
        if lockout.ip_blocked(ip, p):
            exception = lockout.known_address_may_try(username, ip, p)
            if not exception:
                record_repeated(who, Event("login.blocked_ip", "user", username, "denied",
                                           "too many failures from this IP"), key=f"ip:{ip}")
                raise LoginRefused(BLOCKED)
        if lockout.account_locked_until(username, p) is not None:
            record_repeated(who, Event("login.locked", "user", username, "denied",
                                       "account locked after repeated failures"), key=f"user:{username}")
            raise LoginRefused(LOCKED)
    user = authenticate(username=username, password=password)
    if user is None:
        with transaction.atomic():
            lockout.note_failure(username, ip, device=device if trusted else "", exception=exception)
            record_repeated(who, Event("login.failure", "user", username, "failure", WRONG),
                            key=f"{ip}|{username}")
            if not trusted and lockout.account_locked_until(username, p) is not None:
                record(who, Event("login.lockout", "user", username, "failure",
                                  "failure limit reached; account locked"))
        # under the known-address exception the answer stays the address block's: it must not
        # tell a sprayer which accounts were used from this address
        raise LoginRefused(BLOCKED if exception else WRONG)
    with transaction.atomic():
        lockout.note_success(user, ip, device=device if trusted else "")
        record(user, Event("login.success", "user", user.username,
                           details={"trusted_device": True} if trusted else {}))
    return user


def logged_out(user: Any, reason: str = "user logged out") -> None:
    """Audit a logout (explicit or by session limits)."""
    record(user, Event("logout", "user", getattr(user, "username", ""), reason=reason))


def validate_password(password: str, user: User | None = None) -> None:
    """Apply the password rules; raise InvalidInput listing what is wrong."""
    passwords.validate(password, user)


def check_department(role: str, department_code: str | None) -> Department | None:
    """The department an account of `role` belongs to (None for the administrators), or an error."""
    if role not in Role.values:
        raise InvalidInput("role", "unknown role", hint=", ".join(Role.values))
    if role in DEPARTMENTLESS_ROLES:
        return None
    if not department_code:
        raise InvalidInput("department", "this role needs a department", hint="choose a department (a code such as gaj)")
    department = Department.objects.filter(code=department_code).first()
    if department is None:
        raise NotFound("department", department_code, hint="see `zhongshu departments` for codes")
    return department


def check_new_account(username: str, role: str, department_code: str | None) -> Department | None:
    """Validate a new account's name, role and department; returns the department."""
    if not username or len(username) > 150:
        raise InvalidInput("username", "must be 1–150 characters")
    if User.objects.filter(username=username).exists():
        raise InvalidInput("username", "this username is taken", hint="choose another name")
    return check_department(role, department_code)


def create_user(actor: Any, *, username: str, password: str, role: str, department_code: str | None = None,
                display_name: str = "", temporary: bool = False) -> User:
    """Create an account with a password: the system actor (command line, demo), or a person for a
    non-privileged account. A person's privileged account is a request (`accounts.requests`)."""
    ensure(actor, "accounts.manage")
    if is_privileged(role, department_code) and not is_system(actor):
        raise Forbidden("a privileged account needs the security administrator's approval: submit a request",
                        policy_id="two-person")
    return make_account(actor, username=username, password=password, role=role, department_code=department_code,
                        display_name=display_name, temporary=temporary)


def create_user_at_install(*, username: str, password: str, role: str, department_code: str | None = None,
                           display_name: str = "") -> User:
    """The command line's account creation (system actor). It bootstraps the first privileged account
    of each kind (the first auditor, security administrator, 大数据局 steward …); later ones take two
    people on the accounts page, so shell access alone does not make an auditor."""
    if is_privileged(role, department_code):
        same = User.objects.filter(role=role, is_active=True)
        if role not in DEPARTMENTLESS_ROLES:
            same = same.filter(department__code=department_code)
        if same.exists():
            raise InvalidInput("role", "an active account of this privileged kind already exists",
                               hint="further privileged accounts are requested on the accounts page and need a "
                                    "security administrator's approval")
    return make_account(SYSTEM, username=username, password=password, role=role, department_code=department_code,
                        display_name=display_name,
                        reason="created at install time from the command line" if is_privileged(role, department_code)
                        else "created from the command line")


def make_account(actor: Any, *, username: str, password: str, role: str, department_code: str | None,
                 display_name: str = "", temporary: bool = False, request_id: str = "", reason: str = "") -> User:
    """Create the account (audited). Callers decide who may: `create_user`, the command line, or an
    approved request."""
    department = check_new_account(username, role, department_code)
    user = User(username=username, role=role, department=department, display_name=display_name)
    passwords.validate(password, user)
    with transaction.atomic():
        user.save()
        passwords.store(user, password, temporary=temporary)
        details = {"role": role, "department": department_code or ""}
        if request_id:
            details["request"] = request_id
        record(actor, Event("user.created", "user", username, reason=reason, details=details))
    return user


def apply_update(actor: Any, user: User, *, role: str, department_code: str | None, display_name: str,
                 request_id: str = "") -> list[str]:
    """Change an account's role, department and display name (audited); returns what changed.

    Callers decide who may (`accounts.requests`: the two-person rule); the last-auditor rule holds here.
    """
    department = check_department(role, department_code)
    ensure_not_last(user, role_after=role, active_after=user.is_active)
    changed = [name for name, old, new in (("role", user.role, role),
                                           ("department", user.department_id, department.pk if department else None),
                                           ("display_name", user.display_name, display_name)) if old != new]
    if not changed:
        return []
    with transaction.atomic():
        user.role, user.department, user.display_name = role, department, display_name
        user.save(update_fields=["role", "department", "display_name"])
        if "role" in changed or "department" in changed:
            end_sessions(user)  # the new scope applies from the next login
        details = {"changed": changed, "role": role, "department": department_code or ""}
        if request_id:
            details["request"] = request_id
        record(actor, Event("user.updated", "user", user.username, details=details))
    return changed


def set_active(actor: Any, user: User, active: bool) -> None:
    """Enable or disable an account (system administrator, system actor). Enabling a privileged
    account takes two people (`accounts.requests`)."""
    ensure(actor, "accounts.manage", user)
    if active and not is_system(actor) and user_is_privileged(user):
        raise Forbidden("enabling a privileged account needs the security administrator's approval: submit a request",
                        policy_id="two-person")
    apply_active(actor, user, active)


def apply_active(actor: Any, user: User, active: bool, *, request_id: str = "") -> None:
    """Enable or disable (audited); disabling ends the account's sessions. Nobody disables the last
    active auditor, security administrator or system administrator. Callers decide who may."""
    if not active:
        ensure_not_last(user, role_after=user.role, active_after=False)
    if user.is_active == active:
        return
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        if not active:
            end_sessions(user)
        record(actor, Event("user.enabled" if active else "user.disabled", "user", user.username,
                            details={"request": request_id} if request_id else {}))


def list_users(actor: Any):
    return restrict(actor, "accounts.manage", User.objects.select_related("department").order_by("role", "username"))


def get_user(actor: Any, pk: int) -> User:
    user = list_users(actor).filter(pk=pk).first()
    if user is None:
        raise NotFound("account", pk)
    return user


def list_departments(actor: Any):
    return restrict(actor, "departments.manage", Department.objects.select_related("parent").order_by("kind", "code"))


def get_department(actor: Any, pk: int) -> Department:
    dept = list_departments(actor).filter(pk=pk).first()
    if dept is None:
        raise NotFound("department", pk)
    return dept


def update_department(actor: Any, dept: Department, *, name: str, short_name: str, parent_id: int | None) -> list[str]:
    """Rename a department or move it in the tree (system administrator; audited)."""
    ensure(actor, "departments.manage", dept)
    name, short_name = (name or "").strip(), (short_name or "").strip()
    if not name or len(name) > 100:
        raise InvalidInput("name", "must be 1–100 characters")
    if len(short_name) > 50:
        raise InvalidInput("short_name", "must be at most 50 characters")
    parent = None
    if parent_id:
        parent = Department.objects.filter(pk=parent_id).first()
        if parent is None:
            raise NotFound("department", parent_id)
        ancestor = parent
        while ancestor is not None:  # the org tree stays a tree
            if ancestor.pk == dept.pk:
                raise InvalidInput("parent", "a department cannot be placed under itself or its own sub-unit",
                                   hint="choose a parent outside this department's branch")
            ancestor = ancestor.parent
    changed = [f for f, old, new in (("name", dept.name, name), ("short_name", dept.short_name, short_name),
                                     ("parent", dept.parent_id, parent.pk if parent else None)) if old != new]
    if not changed:
        return []
    with transaction.atomic():
        dept.name, dept.short_name, dept.parent = name, short_name, parent
        dept.save(update_fields=["name", "short_name", "parent"])
        record(actor, Event("department.updated", "department", dept.code, details={"changed": changed}))
    return changed


def sync_departments(actor: Any, county) -> int:
    """Create or update departments from the county config; returns how many were created."""
    created = 0
    with transaction.atomic():
        root = None
        for dept in sorted(county.departments, key=lambda d: d.kind != "government"):
            parent = None if dept.kind == "government" else root
            obj, was_created = Department.objects.update_or_create(
                code=dept.code,
                defaults={"name": dept.name, "short_name": dept.short_name, "name_en": dept.name_en,
                          "kind": dept.kind, "parent": parent},
            )
            if dept.kind == "government":
                root = obj
            created += was_created
        if created:
            record(actor, Event("departments.synced", "county", county.code, details={"created": created}))
    return created


def locked_accounts(actor: Any) -> list[dict]:
    """Accounts currently locked by failed logins (security administrator)."""
    ensure(actor, "policy.manage")
    return lockout.locked()


def blocked_addresses(actor: Any) -> list[dict]:
    """Client addresses currently blocked by failed logins (security administrator)."""
    ensure(actor, "policy.manage")
    return lockout.blocked()


def unlock(actor: Any, username: str) -> None:
    """Lift a lockout early (security administrator; audited)."""
    ensure(actor, "policy.manage")
    if lockout.account_locked_until(username) is None:
        raise InvalidInput("username", "this account is not locked")
    with transaction.atomic():
        lockout.clear(username)
        record(actor, Event("login.unlocked", "user", username))


def unblock(actor: Any, ip: str) -> None:
    """Lift an address block early (security administrator; audited)."""
    ensure(actor, "policy.manage")
    if not any(row["ip"] == ip for row in lockout.blocked()):
        raise InvalidInput("ip", "this address is not blocked")
    with transaction.atomic():
        forgotten = lockout.unblock(ip)
        record(actor, Event("login.ip_unblocked", "address", ip, details={"failures": forgotten}))
