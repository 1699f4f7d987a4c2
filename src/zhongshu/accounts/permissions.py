"""The one authorization entry point: `ensure(actor, action, resource)`.

Default deny: an action is allowed only when the actor's role grants it and, where the action has
a resource rule, the rule allows this resource. Every decision carries a reason, which reaches the
audit log and the user's error message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from zhongshu.accounts.roles import ALL_ACTIONS, ROLE_ACTIONS
from zhongshu.core.errors import Forbidden


@dataclass(frozen=True)
class Decision:
    """The outcome of one authorization check."""

    allowed: bool
    reason: str
    policy_id: str = ""

    @classmethod
    def allow(cls, reason: str, policy_id: str = "") -> Decision:
        return cls(True, reason, policy_id)

    @classmethod
    def deny(cls, reason: str, policy_id: str = "") -> Decision:
        return cls(False, reason, policy_id)


ResourceRule = Callable[[Any, Any], Decision | None]
# action -> rule(actor, resource); a rule returns a Decision to decide, or None to fall through.
RESOURCE_RULES: dict[str, list[ResourceRule]] = {}


def resource_rule(*actions: str) -> Callable[[ResourceRule], ResourceRule]:
    """Register a resource-level rule for actions (apps call this at import time)."""

    def register(rule: ResourceRule) -> ResourceRule:
        for action in actions:
            RESOURCE_RULES.setdefault(action, []).append(rule)
        return rule

    return register


def decide(actor: Any, action: str, resource: Any = None) -> Decision:
    """Decide whether actor may do action on resource; never raises."""
    if action not in ALL_ACTIONS:
        return Decision.deny(f"unknown action {action!r}: denied by default", "default-deny")
    if actor is None or not getattr(actor, "is_authenticated", False):
        return Decision.deny("login required", "authentication")
    if not actor.is_active:
        return Decision.deny("account is disabled", "account-active")
    role = getattr(actor, "role", "")
    if action not in ROLE_ACTIONS.get(role, ()):
        return Decision.deny(f"role {role or 'none'} may not {action}", "role-actions")
    if resource is not None:
        for rule in RESOURCE_RULES.get(action, []):
            decision = rule(actor, resource)
            if decision is not None:
                return decision
    return Decision.allow(f"role {role} may {action}", "role-actions")


def allowed(actor: Any, action: str, resource: Any = None) -> bool:
    """True when `decide` allows."""
    return decide(actor, action, resource).allowed


def ensure(actor: Any, action: str, resource: Any = None) -> Decision:
    """Return the allowing Decision, or raise Forbidden with the reason (and audit the denial)."""
    decision = decide(actor, action, resource)
    if not decision.allowed:
        from zhongshu.audit.services import record_denial

        record_denial(actor, action, resource, decision)
        raise Forbidden(decision.reason, policy_id=decision.policy_id)
    return decision


def same_department(actor: Any, department_id: int | None) -> Decision | None:
    """Rule helper: deny when the resource belongs to another department (大数据局 sees all)."""
    dept = getattr(actor, "department", None)
    if dept is not None and dept.code == "dsj":
        return None
    if department_id is None or actor.department_id != department_id:
        return Decision.deny("the resource belongs to another department", "own-department")
    return None
