"""Session limits and temporary passwords, on every request of a logged-in user.

Idle timeout and absolute lifetime come from the security policy (MLPS: 30 min idle is common
practice); either ends the session (its stored row is deleted) and is audited. An account holding
a temporary password (new account, reset) may only change it, log out or switch language until
it has chosen its own.
"""

from __future__ import annotations

import time

from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.http import urlencode

from zhongshu.accounts import policy
from zhongshu.accounts.services import logged_out
from zhongshu.accounts.sessions import LOGIN_AT, SEEN_AT

# Paths an account with a temporary password may still use.
PASSWORD_CHANGE_PATH = "/accounts/password/"
ALLOWED_WITH_TEMPORARY = (PASSWORD_CHANGE_PATH, "/accounts/logout/", "/i18n/", "/static/")


class SessionLimitsMiddleware:
    """Logs a user out when idle too long or logged in too long; both are audited."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            p = policy.current()
            now = time.time()
            login_at = request.session.get(LOGIN_AT, now)
            seen_at = request.session.get(SEEN_AT, now)
            reason = ""
            if now - seen_at > p.idle_minutes * 60:
                reason = "session idle timeout"
            elif now - login_at > p.max_hours * 3600:
                reason = "session lifetime reached"
            if reason:
                logged_out(user, reason)
                logout(request)
                request.session["zs_expired"] = reason
            else:
                request.session.setdefault(LOGIN_AT, now)
                request.session[SEEN_AT] = now
                if getattr(user, "must_change_password", False) and not request.path.startswith(ALLOWED_WITH_TEMPORARY):
                    if request.path.startswith("/api/"):
                        return JsonResponse({"code": "password_change_required",
                                             "message": "change the temporary password first"}, status=403)
                    return redirect(f"{PASSWORD_CHANGE_PATH}?{urlencode({'next': request.path})}")
        return self.get_response(request)
