"""Login, logout and the administrators' pages (accounts, departments, security policy)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhongshu.accounts import services
from zhongshu.accounts.middleware import LOGIN_AT, SEEN_AT
from zhongshu.accounts.models import Department
from zhongshu.accounts.roles import Role
from zhongshu.audit.context import ip_from_request
from zhongshu.core.errors import ZhongshuError
from zhongshu.web.guards import public, requires


@public
def login_view(request):
    error = ""
    expired = request.session.pop("zs_expired", "")
    if request.method == "POST":
        try:
            user = services.login_check(request.POST.get("username", ""), request.POST.get("password", ""),
                                        ip_from_request(request))
        except ZhongshuError as exc:
            error = exc.message
        else:
            login(request, user)
            import time

            request.session[LOGIN_AT] = request.session[SEEN_AT] = time.time()
            target = request.POST.get("next") or request.GET.get("next") or "/"
            if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
                target = "/"
            return redirect(target)
    return render(request, "accounts/login.html", {"error": error, "expired": expired,
                                                    "next": request.GET.get("next", "")},
                  status=401 if error else 200)


@public
@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        services.logged_out(request.user)
    logout(request)
    return redirect("accounts:login")


@requires("accounts.manage")
def users(request):
    if request.method == "POST":
        data = request.POST
        try:
            if data.get("op") == "toggle":
                target = services.list_users(request.user).get(pk=int(data.get("user_id", 0)))
                services.set_active(request.user, target, not target.is_active)
            else:
                services.create_user(request.user, username=data.get("username", "").strip(),
                                     password=data.get("password", ""), role=data.get("role", ""),
                                     department_code=data.get("department") or None,
                                     display_name=data.get("display_name", "").strip())
                messages.success(request, _("Account created."))
        except ZhongshuError as exc:
            messages.error(request, str(exc))
        return redirect("accounts:users")
    return render(request, "accounts/users.html", {
        "users": services.list_users(request.user), "roles": Role.choices,
        "departments": Department.objects.order_by("kind", "code"),
    })


@requires("departments.manage")
def departments(request):
    return render(request, "accounts/departments.html", {"departments": services.list_departments(request.user)})


@requires("policy.manage")
def security(request):
    if request.method == "POST":
        try:
            services.unlock(request.user, request.POST.get("username", ""))
            messages.success(request, _("Account unlocked."))
        except ZhongshuError as exc:
            messages.error(request, str(exc))
        return redirect("accounts:security")
    return render(request, "accounts/security.html", {
        "locked": services.locked_accounts(request.user),
        "policy": {
            "min_length": 8,
            "lockout_failures": settings.ZHONGSHU_LOCKOUT_FAILURES,
            "lockout_minutes": settings.ZHONGSHU_LOCKOUT_MINUTES,
            "ip_failures": settings.ZHONGSHU_IP_FAILURES,
            "idle_minutes": int(settings.ZHONGSHU_SESSION_IDLE.total_seconds() // 60),
            "max_hours": int(settings.ZHONGSHU_SESSION_MAX.total_seconds() // 3600),
            "audit_hash": settings.ZHONGSHU_AUDIT_HASH,
        },
    })
