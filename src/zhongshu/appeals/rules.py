"""Row scopes for appeals: a department handler reads, counts and handles only its own work orders.

Registered with `accounts.permissions.scope_rule` when the app is ready. The same scope answers
"may this handler open appeal N" and "which appeals are in this handler's list", in the work-order
list, the alerts panel, analytics and its drill-down alike. Other roles fall through to their
role's actions: the 12345 centre's operators, analysts and leaders see every appeal.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from zhongshu.accounts.permissions import scope_rule, whole_county
from zhongshu.accounts.roles import Role
from zhongshu.appeals.models import Appeal


def _handler(actor: Any) -> bool:
    return getattr(actor, "role", "") == Role.HANDLER and not whole_county(actor)


def _co_handled(dept_id: int | None) -> Q:
    return Q(pk__in=Appeal.co_departments.through.objects.filter(department_id=dept_id).values("appeal_id"))


@scope_rule("appeals.Appeal", "appeals.read", "appeals.analytics", applies=_handler, policy_id="appeal-department",
            reason="the appeal is dispatched to your department",
            denial="the appeal belongs to another department")
def handler_reads_own_department(actor: Any) -> Q:
    return Q(department_id=actor.department_id) | _co_handled(actor.department_id)


@scope_rule("appeals.Appeal", "appeals.handle", applies=_handler, policy_id="appeal-department",
            reason="your department leads this appeal",
            denial="the appeal belongs to another department, or your department only co-handles it")
def handler_handles_lead_department(actor: Any) -> Q:
    return Q(department_id=actor.department_id)


@scope_rule("appeals.Appeal", "appeals.identity", applies=_handler, policy_id="identity-need",
            reason="the case needs the citizen's identity (reply or visit)",
            denial="this case does not need the citizen's identity, or it belongs to another department")
def handler_sees_identity_when_needed(actor: Any) -> Q:
    return handler_reads_own_department(actor) & (Q(identity_needed=True) | Q(reply_wanted=True))
