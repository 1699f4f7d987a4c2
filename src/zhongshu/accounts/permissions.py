"""The one policy model: `decide`/`ensure` for one object, `restrict` for lists.

Default deny: an action is allowed only when the actor's role grants it and every scope rule that
applies to (action, model, actor) admits the object. A scope rule is a row scope (a Django `Q`)
for a model, so the same rule answers both "may I act on this object" (is it inside the scope?)
and "which objects may I list" (`restrict` filters by the scope): a list can never show what a
detail page would refuse. Every decision carries a reason, which reaches the audit log and the
user's error message.

    decide(actor, action, obj)   -> Decision(allowed, reason, policy_id, scope)
    ensure(actor, action, obj)   -> the allowing Decision, or Forbidden (the denial is audited)
    restrict(actor, action, qs)  -> qs filtered to the rows the actor may act on

Apps register scope rules with `@scope_rule("app.Model", "action", ...)` in their `rules.py`
(imported by their AppConfig.ready). The system actor (`accounts.system.SYSTEM`) may do anything
and is audited as "system"; `None` is never an actor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Q, QuerySet

from zhongshu.accounts.roles import ALL_ACTIONS, ROLE_ACTIONS
from zhongshu.accounts.system import is_system
from zhongshu.audit.services import record_denial
from zhongshu.core.errors import Forbidden


@dataclass(frozen=True)
class Decision:
    """The outcome of one authorization check, and the row scope it implies (None: every row)."""

    allowed: bool
    reason: str
    policy_id: str = ""
    scope: Q | None = None

    @classmethod
    def allow(cls, reason: str, policy_id: str = "", scope: Q | None = None) -> Decision:
        return cls(True, reason, policy_id, scope)

    @classmethod
    def deny(cls, reason: str, policy_id: str = "") -> Decision:
        return cls(False, reason, policy_id)


@dataclass(frozen=True)
class ScopeRule:
    """Rows of `model` an actor may act on for `actions`, when `applies(actor)`."""

    model: str  # app label + model name, e.g. "appeals.Appeal"
    actions: frozenset[str]
    scope: Callable[[Any], Q]
    applies: Callable[[Any], bool]
    reason: str  # why an object inside the scope is allowed
    denial: str  # why an object outside it is refused
    policy_id: str


SCOPE_RULES: list[ScopeRule] = []


def scope_rule(model: str, *actions: str, policy_id: str, reason: str, denial: str,
               applies: Callable[[Any], bool] = lambda actor: True) -> Callable[[Callable[[Any], Q]], Callable[[Any], Q]]:
    """Register `fn(actor) -> Q` as the row scope of `model` for `actions` (apps call this at import)."""
    unknown = set(actions) - ALL_ACTIONS
    if unknown:
        raise ValueError(f"scope rule for unknown actions: {sorted(unknown)}")

    def register(fn: Callable[[Any], Q]) -> Callable[[Any], Q]:
        SCOPE_RULES.append(ScopeRule(model, frozenset(actions), fn, applies, reason, denial, policy_id))
        return fn

    return register


def _label(model: type[Model] | Model) -> str:
    return model._meta.label


def _rules(action: str, model_label: str, actor: Any) -> list[ScopeRule]:
    return [r for r in SCOPE_RULES if action in r.actions and r.model == model_label and r.applies(actor)]


def _role_decision(actor: Any, action: str) -> Decision:
    if action not in ALL_ACTIONS:
        return Decision.deny(f"unknown action {action!r}: denied by default", "default-deny")
    if is_system(actor):
        return Decision.allow("the system acts on its own behalf", "system-actor")
    if actor is None or not getattr(actor, "is_authenticated", False):
        return Decision.deny("login required", "authentication")
    if not actor.is_active:
        return Decision.deny("account is disabled", "account-active")
    role = getattr(actor, "role", "")
    if action not in ROLE_ACTIONS.get(role, ()):
        return Decision.deny(f"role {role or 'none'} may not {action}", "role-actions")
    return Decision.allow(f"role {role} may {action}", "role-actions")


def scope(actor: Any, action: str, model: type[Model]) -> Decision:
    """The decision for `action` on rows of `model`, with the combined row scope of its rules."""
    decision = _role_decision(actor, action)
    if not decision.allowed or is_system(actor):
        return decision
    rules = _rules(action, _label(model), actor)
    if not rules:
        return decision
    q = Q()
    for rule in rules:
        q &= rule.scope(actor)
    return Decision.allow(" · ".join(r.reason for r in rules), rules[0].policy_id, q)


def decide(actor: Any, action: str, resource: Any = None) -> Decision:
    """Decide whether actor may do action (on resource, when given); never raises."""
    decision = _role_decision(actor, action)
    if not decision.allowed or is_system(actor) or not isinstance(resource, Model):
        return decision
    rules = _rules(action, _label(resource), actor)
    for rule in rules:
        if resource.pk is None:
            return Decision.deny("the object does not exist yet", rule.policy_id)
        inside = type(resource)._default_manager.filter(pk=resource.pk).filter(rule.scope(actor)).exists()
        if not inside:
            return Decision.deny(rule.denial, rule.policy_id)
    if rules:
        return Decision.allow(" · ".join(r.reason for r in rules), rules[0].policy_id)
    return decision


def allowed(actor: Any, action: str, resource: Any = None) -> bool:
    """True when `decide` allows."""
    return decide(actor, action, resource).allowed


def _refuse(actor: Any, action: str, resource: Any, decision: Decision) -> None:
    record_denial(actor, action, resource, decision)
    raise Forbidden(decision.reason, policy_id=decision.policy_id)


def ensure(actor: Any, action: str, resource: Any = None) -> Decision:
    """Return the allowing Decision, or raise Forbidden with the reason (and audit the denial)."""
    decision = decide(actor, action, resource)
    if not decision.allowed:
        _refuse(actor, action, resource, decision)
    return decision


def restrict(actor: Any, action: str, queryset: QuerySet) -> QuerySet:
    """The rows of `queryset` the actor may act on; Forbidden (audited) when the role may not at all."""
    decision = scope(actor, action, queryset.model)
    if not decision.allowed:
        _refuse(actor, action, None, decision)
    return queryset if decision.scope is None else queryset.filter(decision.scope)


def whole_county(actor: Any) -> bool:
    """True for actors of the data bureau (大数据局), whose department scope is the whole county."""
    dept = getattr(actor, "department", None)
    return dept is not None and dept.code == "dsj"
