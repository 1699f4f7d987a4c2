"""Accounts: login/logout with lockout and audit, users and departments."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction

from zhongshu.accounts import lockout
from zhongshu.accounts.models import Department, User
from zhongshu.accounts.permissions import ensure
from zhongshu.accounts.roles import Role
from zhongshu.audit.services import Event, record
from zhongshu.core.errors import Forbidden, InvalidInput, NotFound

# Roles that belong to no department (they run the hub, not a department's business).
DEPARTMENTLESS_ROLES = {Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR}


class LoginRefused(Forbidden):
    """Wrong credentials, a locked account or a blocked IP (the message never says which user exists)."""


def login_check(username: str, password: str, ip: str | None) -> User:
    """Authenticate with lockout; audit success, failure and lockout. Returns the user or raises."""
    username = (username or "").strip()[:150]
    if lockout.ip_blocked(ip):
        record(username or "anonymous", Event("login.blocked_ip", "user", username, "denied", "too many failures from this IP"))
        raise LoginRefused("too many failed logins from this address; try again later")
    until = lockout.account_locked_until(username)
    if until is not None:
        record(username, Event("login.locked", "user", username, "denied", "account locked after repeated failures"))
        raise LoginRefused("too many failed logins: this account is locked for a while; try again later")
    user = authenticate(username=username, password=password)
    if user is None:
        with transaction.atomic():
            lockout.note_failure(username, ip)
            record(username or "anonymous", Event("login.failure", "user", username, "failure", "wrong username or password"))
            if lockout.account_locked_until(username) is not None:
                record(username, Event("login.lockout", "user", username, "failure", "failure limit reached; account locked"))
        raise LoginRefused("wrong username or password")
    with transaction.atomic():
        lockout.clear(username)
        record(user, Event("login.success", "user", user.username))
    return user


def logged_out(user: Any, reason: str = "user logged out") -> None:
    """Audit a logout (explicit or by session limits)."""
    record(user, Event("logout", "user", getattr(user, "username", ""), reason=reason))


def validate_password(password: str, user: User | None = None) -> None:
    """Apply the password rules; raise InvalidInput listing what is wrong."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput("password", "; ".join(exc.messages), hint="use at least 8 characters, not a common password") from None


def create_user(actor: Any, *, username: str, password: str, role: str, department_code: str | None = None,
                display_name: str = "") -> User:
    """Create an account (system administrator, or the system actor at the command line)."""
    ensure(actor, "accounts.manage")
    if role not in Role.values:
        raise InvalidInput("role", f"unknown role {role!r}", hint="one of: " + ", ".join(Role.values))
    if not username or len(username) > 150:
        raise InvalidInput("username", "must be 1–150 characters")
    if User.objects.filter(username=username).exists():
        raise InvalidInput("username", f"user {username!r} already exists", hint="choose another name")
    department = None
    if role not in DEPARTMENTLESS_ROLES:
        if not department_code:
            raise InvalidInput("department", f"role {role} needs a department", hint="pass a department code, e.g. gaj")
        department = Department.objects.filter(code=department_code).first()
        if department is None:
            raise NotFound("department", department_code, hint="see `zhongshu departments` for codes")
    user = User(username=username, role=role, department=department, display_name=display_name)
    validate_password(password, user)
    user.set_password(password)
    with transaction.atomic():
        user.save()
        record(actor, Event("user.created", "user", username, details={"role": role, "department": department_code or ""}))
    return user


def set_active(actor: Any, user: User, active: bool) -> None:
    """Enable or disable an account (audited)."""
    ensure(actor, "accounts.manage", user)
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        record(actor, Event("user.enabled" if active else "user.disabled", "user", user.username))


def list_users(actor: Any):
    ensure(actor, "accounts.manage")
    return User.objects.select_related("department").order_by("role", "username")


def list_departments(actor: Any):
    ensure(actor, "departments.manage")
    return Department.objects.select_related("parent").order_by("kind", "code")


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
    from django.db.models import Count

    from zhongshu.accounts.models import LoginFailure

    rows = (LoginFailure.objects.filter(at__gte=lockout._since()).values("username")
            .annotate(n=Count("id")).filter(n__gte=lockout.settings.ZHONGSHU_LOCKOUT_FAILURES))
    return [{"username": r["username"], "failures": r["n"], "until": lockout.account_locked_until(r["username"])}
            for r in rows]


def unlock(actor: Any, username: str) -> None:
    """Lift a lockout early (security administrator; audited)."""
    ensure(actor, "policy.manage")
    if lockout.account_locked_until(username) is None:
        raise InvalidInput("username", "this account is not locked")
    with transaction.atomic():
        lockout.clear(username)
        record(actor, Event("login.unlocked", "user", username))
