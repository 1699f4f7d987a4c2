"""Per-request context the audit log reads: the client IP (set by middleware)."""

from __future__ import annotations

from contextvars import ContextVar

from django.conf import settings

client_ip: ContextVar[str] = ContextVar("client_ip", default="")


def ip_from_request(request) -> str:
    """The client IP: REMOTE_ADDR, or X-Forwarded-For's last untrusted hop behind a trusted proxy."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    trusted = set(getattr(settings, "ZHONGSHU_TRUSTED_PROXIES", []) or [])
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if remote in trusted and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        for hop in reversed(hops):
            if hop not in trusted:
                return hop[:45]
    return remote[:45]


class AuditContextMiddleware:
    """Sets `client_ip` for the duration of a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = client_ip.set(ip_from_request(request))
        try:
            return self.get_response(request)
        finally:
            client_ip.reset(token)
