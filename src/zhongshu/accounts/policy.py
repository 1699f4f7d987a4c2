"""The security policy: lockout, address blocking, session limits and password history.

One row in the database, edited by the security administrator (`policy.manage`) and read by the
login, session and password code. Until it is first saved, its values are the environment
settings (docs/configuration.md), so an install is configured by environment and then governed
from the security page. Each changed value is audited (`policy.updated`, old and new value).
Bounds keep the policy from being switched off: lockout cannot be disabled from the page, and the
limits stay within what MLPS level 3 assessors accept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhongshu.accounts.models import SecurityPolicy
from zhongshu.accounts.permissions import ensure
from zhongshu.audit.services import Event, record
from zhongshu.core.errors import InvalidInput


@dataclass(frozen=True)
class Knob:
    """One setting of the policy: its field, bounds and where its default comes from."""

    name: str
    label: str
    low: int
    high: int
    default: Any  # settings -> int


KNOBS: tuple[Knob, ...] = (
    Knob("lockout_failures", _("Failed logins before an account is locked"), 3, 10,
         lambda s: s.ZHONGSHU_LOCKOUT_FAILURES),
    Knob("lockout_minutes", _("Lockout duration (minutes)"), 5, 1440, lambda s: s.ZHONGSHU_LOCKOUT_MINUTES),
    Knob("ip_failures", _("Failed logins per client IP before it is refused"), 5, 1000,
         lambda s: s.ZHONGSHU_IP_FAILURES),
    Knob("idle_minutes", _("Idle session timeout (minutes)"), 1, 120,
         lambda s: int(s.ZHONGSHU_SESSION_IDLE.total_seconds() // 60)),
    Knob("max_hours", _("Absolute session lifetime (hours)"), 1, 24,
         lambda s: int(s.ZHONGSHU_SESSION_MAX.total_seconds() // 3600)),
    Knob("max_sessions", _("Concurrent sessions per account"), 1, 20, lambda s: s.ZHONGSHU_MAX_SESSIONS),
    Knob("password_history", _("Recent passwords that may not be reused"), 1, 24,
         lambda s: s.ZHONGSHU_PASSWORD_HISTORY),
)
NAMES = tuple(k.name for k in KNOBS)


def defaults() -> dict[str, int]:
    """The policy the environment settings describe (used until the policy is first saved)."""
    return {k.name: int(k.default(settings)) for k in KNOBS}


def current() -> SecurityPolicy:
    """The policy in force: the saved row, or an unsaved one holding the defaults."""
    row = SecurityPolicy.objects.filter(pk=1).first()
    return row if row is not None else SecurityPolicy(pk=1, **defaults())


def as_dict(policy: SecurityPolicy) -> dict[str, int]:
    return {name: getattr(policy, name) for name in NAMES}


def rows(policy: SecurityPolicy) -> list[dict]:
    """The policy as the security page lists it: name, label, value and bounds."""
    return [{"name": k.name, "label": k.label, "value": getattr(policy, k.name), "low": k.low, "high": k.high}
            for k in KNOBS]


def _parse(values: dict[str, Any]) -> dict[str, int]:
    """Every knob as a whole number within its bounds, or InvalidInput naming the first bad one."""
    out = {}
    for knob in KNOBS:
        raw = values.get(knob.name, "")
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise InvalidInput(knob.name, "expected a whole number", hint=f"{knob.low}–{knob.high}") from None
        if not knob.low <= value <= knob.high:
            raise InvalidInput(knob.name, "out of the allowed range", hint=f"{knob.low}–{knob.high}")
        out[knob.name] = value
    return out


def update(actor: Any, values: dict[str, Any]) -> list[str]:
    """Save the policy (security administrator); returns the names of the changed settings."""
    ensure(actor, "policy.manage")
    new = _parse(values)
    with transaction.atomic():
        row = SecurityPolicy.objects.select_for_update().filter(pk=1).first() or current()
        old = as_dict(row)
        changed = [name for name in NAMES if old[name] != new[name]]
        if not changed and row.updated_at is not None:
            return []
        for name in NAMES:
            setattr(row, name, new[name])
        row.updated_at = timezone.now()
        row.save()
        for name in changed:
            record(actor, Event("policy.updated", "policy", name,
                                details={"setting": name, "old": old[name], "new": new[name]}))
    return changed
