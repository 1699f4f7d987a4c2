"""Login, logout, one's own password, and the administrators' pages.

The system administrator: accounts (create, edit, enable/disable, reset password; privileged
changes become requests) and departments. The security administrator: requests to approve or
refuse, the security policy, locked accounts and blocked addresses. A temporary password is shown
once, in the response to the action that made it, and never stored in a message or a redirect.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from zhongshu.accounts import devices, passwords, policy, services, sessions
from zhongshu.accounts import requests as account_requests
from zhongshu.accounts.roles import Role
from zhongshu.audit.context import ip_from_request
from zhongshu.core.errors import InvalidInput, ZhongshuError
from zhongshu.web.guards import public, requires


def _safe_next(request, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    return target if url_has_allowed_host_and_scheme(target, {request.get_host()}) else default


def _error_text(exc: ZhongshuError) -> str:
    """The error in the user's language where a translation exists (service messages are English)."""
    text = f"{_(exc.field)}: {_(exc.reason)}" if isinstance(exc, InvalidInput) and exc.field else _(exc.message)
    return f"{text} ({_(exc.hint)})" if exc.hint else text


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@public
def login_view(request):
    error = ""
    expired = request.session.pop("zs_expired", "")
    if request.method == "POST":
        username = request.POST.get("username", "")
        cookie = request.COOKIES.get(devices.COOKIE, "")
        try:
            user = services.login_check(username, request.POST.get("password", ""), ip_from_request(request),
                                        device=devices.nonce_for(cookie, username.strip()))
        except ZhongshuError as exc:
            error = exc.message
        else:
            login(request, user)
            sessions.begin(request.session, user)
            response = redirect(_safe_next(request))
            value, _nonce = devices.issue(cookie, user.username)
            response.set_cookie(devices.COOKIE, value, max_age=int(devices.MAX_AGE.total_seconds()), httponly=True,
                                samesite="Lax", secure=settings.SESSION_COOKIE_SECURE, path="/accounts/login/")
            return response
    return render(request, "accounts/login.html", {"error": error, "expired": expired,
                                                    "next": request.GET.get("next", "")},
                  status=401 if error else 200)


@public
@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        services.logged_out(request.user)
    logout(request)  # flushes the session: its stored row is deleted
    return redirect("accounts:login")


@requires("account.password")
@never_cache
def password_view(request):
    """Change one's own password (and replace a temporary one)."""
    error, status = None, 200
    if request.method == "POST":
        try:
            passwords.change_own(request.user, request.POST.get("current", ""), request.POST.get("new1", ""),
                                 request.POST.get("new2", ""))
        except ZhongshuError as exc:
            error, status = _error_text(exc), exc.status
        else:
            update_session_auth_hash(request, request.user)  # this session stays; others end
            messages.success(request, _("Your password has been changed."))
            return redirect(_safe_next(request))
    return render(request, "accounts/password.html", {"error": error, "next": request.GET.get("next", ""),
                                                      "rules": passwords.rules_text()}, status=status)


def _temp_password_page(request, user, temp: str, back: str):
    """Show a temporary password once: no redirect, no message storage, not cached."""
    back = back if back.startswith("/") else reverse(back)
    response = render(request, "accounts/temp_password.html", {"account": user, "temp": temp, "back": back})
    response["Cache-Control"] = "no-store"
    return response


def _after(request, outcome: account_requests.Outcome, back: str, done: str):
    if outcome.temp_password:
        return _temp_password_page(request, outcome.user, outcome.temp_password, back)
    if outcome.request is not None:
        messages.info(request, _("Request submitted: a security administrator must approve it before it takes effect."))
    else:
        messages.success(request, done)
    return redirect(back)


def _users_context(request, **extra) -> dict:
    return {"users": services.list_users(request.user), "roles": Role.choices,
            "departments": services.list_departments(request.user),
            "pending": account_requests.pending_requested(request.user), **extra}


@requires("accounts.manage")
def users(request):
    if request.method == "POST":
        data = request.POST
        try:
            if data.get("op") in ("toggle", "reset"):
                target = services.get_user(request.user, _int(data.get("user_id")))
                return _user_action(request, target, data.get("op"), back="accounts:users")
            outcome = account_requests.propose_create(
                request.user, username=data.get("username", ""), role=data.get("role", ""),
                department_code=data.get("department") or None, display_name=data.get("display_name", "").strip())
            return _after(request, outcome, "accounts:users", _("Account created."))
        except ZhongshuError as exc:
            return render(request, "accounts/users.html", _users_context(request, error=_error_text(exc)),
                          status=exc.status)
    return render(request, "accounts/users.html", _users_context(request))


def _user_action(request, target, op: str, back: str):
    if op == "reset":
        return _after(request, account_requests.propose_reset(request.user, target), back, "")
    if target.is_active:
        return _after(request, account_requests.disable(request.user, target), back, _("Account disabled."))
    return _after(request, account_requests.propose_enable(request.user, target), back, _("Account enabled."))


@requires("accounts.manage")
def user_detail(request, pk: int):
    target = services.get_user(request.user, pk)
    error, status = None, 200
    if request.method == "POST":
        data = request.POST
        try:
            if data.get("op") in ("toggle", "reset"):
                return _user_action(request, target, data.get("op"), back=request.path)
            outcome = account_requests.propose_update(
                request.user, target, role=data.get("role", ""), department_code=data.get("department") or None,
                display_name=data.get("display_name", "").strip())
            return _after(request, outcome, request.path, _("Account changed."))
        except ZhongshuError as exc:
            error, status = _error_text(exc), exc.status
            target.refresh_from_db()
    return render(request, "accounts/user.html", {
        "account": target, "roles": Role.choices, "departments": services.list_departments(request.user),
        "pending": account_requests.pending_requested(request.user).filter(target=target), "error": error,
    }, status=status)


@requires("accounts.approve")
def requests_view(request):
    if request.method == "POST":
        data = request.POST
        try:
            req = account_requests.get(request.user, _int(data.get("request_id")))
            if data.get("op") == "approve":
                outcome = account_requests.approve(request.user, req)
                return _after(request, outcome, "accounts:requests", _("Request approved."))
            account_requests.refuse(request.user, req, data.get("reason", ""))
            messages.success(request, _("Request refused."))
        except ZhongshuError as exc:
            messages.error(request, _error_text(exc))
        return redirect("accounts:requests")
    return render(request, "accounts/requests.html", {
        "pending": account_requests.pending_for_approval(request.user),
        "decided": account_requests.recently_decided(request.user),
    })


@requires("departments.manage")
def departments(request):
    return render(request, "accounts/departments.html", {"departments": services.list_departments(request.user)})


@requires("departments.manage")
def department_detail(request, pk: int):
    dept = services.get_department(request.user, pk)
    error, status = None, 200
    if request.method == "POST":
        try:
            services.update_department(request.user, dept, name=request.POST.get("name", ""),
                                       short_name=request.POST.get("short_name", ""),
                                       parent_id=_int(request.POST.get("parent")) or None)
            messages.success(request, _("Department saved."))
            return redirect("accounts:department", pk=dept.pk)
        except ZhongshuError as exc:
            error, status = _error_text(exc), exc.status
            dept.refresh_from_db()
    return render(request, "accounts/department.html", {
        "dept": dept, "parents": services.list_departments(request.user).exclude(pk=dept.pk), "error": error,
    }, status=status)


@requires("policy.manage")
def security(request):
    error, status = None, 200
    if request.method == "POST":
        op = request.POST.get("op", "unlock")
        try:
            if op == "policy":
                changed = policy.update(request.user, request.POST)
                messages.success(request, _("Security policy saved.") if changed else _("Nothing changed."))
            elif op == "unblock":
                services.unblock(request.user, request.POST.get("ip", ""))
                messages.success(request, _("Address unblocked."))
            else:
                services.unlock(request.user, request.POST.get("username", ""))
                messages.success(request, _("Account unlocked."))
            return redirect("accounts:security")
        except ZhongshuError as exc:
            error, status = _error_text(exc), exc.status
    return render(request, "accounts/security.html", {
        "locked": services.locked_accounts(request.user),
        "blocked": services.blocked_addresses(request.user),
        "policy": policy.rows(policy.current()),
        "audit_hash": settings.ZHONGSHU_AUDIT_HASH,
        "error": error,
    }, status=status)
