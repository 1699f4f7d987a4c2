"""Login throttling: lock an account after repeated failures, refuse an IP that keeps failing."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from zhongshu.accounts.models import LoginFailure


def window() -> timedelta:
    return timedelta(minutes=settings.ZHONGSHU_LOCKOUT_MINUTES)


def _since() -> datetime:
    return timezone.now() - window()


def account_locked_until(username: str) -> datetime | None:
    """When the account unlocks, or None if it is not locked."""
    failures = LoginFailure.objects.filter(username=username, at__gte=_since()).order_by("-at")
    if failures.count() < settings.ZHONGSHU_LOCKOUT_FAILURES:
        return None
    return failures.first().at + window()


def ip_blocked(ip: str | None) -> bool:
    """True when this client IP failed too often within the window."""
    if not ip:
        return False
    return LoginFailure.objects.filter(ip=ip, at__gte=_since()).count() >= settings.ZHONGSHU_IP_FAILURES


def note_failure(username: str, ip: str | None) -> None:
    LoginFailure.objects.create(username=username[:150], ip=ip or None, at=timezone.now())


def clear(username: str) -> None:
    """Forget an account's failures after a successful login."""
    LoginFailure.objects.filter(username=username).delete()
