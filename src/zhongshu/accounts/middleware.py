"""Session limits: idle timeout and absolute lifetime (MLPS: 30 min idle is common practice)."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout

LOGIN_AT = "zs_login_at"
SEEN_AT = "zs_seen_at"


class SessionLimitsMiddleware:
    """Logs a user out when idle too long or logged in too long; both are audited."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            login_at = request.session.get(LOGIN_AT, now)
            seen_at = request.session.get(SEEN_AT, now)
            reason = ""
            if now - seen_at > settings.ZHONGSHU_SESSION_IDLE.total_seconds():
                reason = "session idle timeout"
            elif now - login_at > settings.ZHONGSHU_SESSION_MAX.total_seconds():
                reason = "session lifetime reached"
            if reason:
                from zhongshu.accounts.services import logged_out

                logged_out(user, reason)
                logout(request)
                request.session["zs_expired"] = reason
            else:
                request.session.setdefault(LOGIN_AT, now)
                request.session[SEEN_AT] = now
        return self.get_response(request)
