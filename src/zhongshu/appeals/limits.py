"""Rate limits on the appeals' public doors: the citizen form, tracking lookups and Open311.

Each limit is a setting (`count/seconds`, see docs/configuration.md) enforced by the shared
limiter (`core.ratelimit`, in the database, so it holds across processes). A refusal raises
`RateLimited` with the seconds to wait, and is audited once per window and client through
`audit.services.record_repeated`, so a flood cannot grow the audit log.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from zhongshu.audit.services import Event, record_repeated
from zhongshu.core.ratelimit import RateLimited, hit, rate_setting

__all__ = ["RateLimited", "throttle", "wait_message"]

# scope → (setting, default, audit action)
LIMITS: dict[str, tuple[str, str, str]] = {
    "appeal.form": ("ZHONGSHU_APPEAL_RATE_LIMIT", "5/600", "appeal.rate_limited"),
    "tracking": ("ZHONGSHU_TRACKING_RATE_LIMIT", "10/60", "tracking.rate_limited"),
    "open311.read": ("ZHONGSHU_OPEN311_READ_LIMIT", "60/60", "open311.rate_limited"),
    "open311.post.ip": ("ZHONGSHU_OPEN311_POST_IP_LIMIT", "20/60", "open311.rate_limited"),
    "open311.post.key": ("ZHONGSHU_OPEN311_POST_KEY_LIMIT", "20/60", "open311.rate_limited"),
}


def wait_message(seconds: int, now: dt.datetime | None = None) -> str:
    """"Please try again after HH:MM (in about N minutes)", in the user's language."""
    now = now or timezone.now()
    until = timezone.localtime(now + dt.timedelta(seconds=seconds))
    if seconds < 60:
        wait = _("%(n)s s") % {"n": seconds}
    else:
        wait = _("%(n)s min") % {"n": -(-seconds // 60)}
    return _("Please try again after %(time)s (in about %(wait)s).") % {"time": f"{until:%H:%M}", "wait": wait}


def throttle(scope: str, client: str, message: str, *, audit_key: str = "") -> None:
    """Count one request of `client` in `scope`; RateLimited (audited, aggregated) when over the limit.

    `client` is what is limited (an address, a key digest); `audit_key` groups refusals in the audit
    log (default: the client).
    """
    setting, default, action = LIMITS[scope]
    rate = rate_setting(setting, default)
    verdict = hit(scope, client, rate)
    if verdict.allowed:
        return
    record_repeated("anonymous", Event(action, scope, "", "denied", f"more than {rate} ({scope})",
                                       details={"limit": str(rate)}), key=f"{scope}:{audit_key or client}")
    raise RateLimited(message, hint=wait_message(verdict.retry_after), retry_after=verdict.retry_after)
