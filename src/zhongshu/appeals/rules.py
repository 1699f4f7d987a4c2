"""Resource rules for appeals: a department handler reads and handles only its own work orders.

Registered with `accounts.permissions.resource_rule` when the app is ready. Other roles fall
through to their role's actions (the 12345 centre's operators and the leaders see every appeal).
"""

from __future__ import annotations

from typing import Any

from zhongshu.accounts.permissions import Decision, resource_rule
from zhongshu.accounts.roles import Role


def _is_appeal(resource: Any) -> bool:
    return type(resource).__name__ == "Appeal" and getattr(resource, "_meta", None) is not None


def _involves(actor: Any, appeal: Any) -> str:
    """"lead", "co" or "" — how the actor's department is involved in the appeal."""
    dept_id = getattr(actor, "department_id", None)
    if dept_id is None:
        return ""
    if appeal.department_id == dept_id:
        return "lead"
    if appeal.pk and appeal.co_departments.filter(pk=dept_id).exists():
        return "co"
    return ""


@resource_rule("appeals.read")
def handler_reads_own_department(actor: Any, resource: Any) -> Decision | None:
    if not _is_appeal(resource) or getattr(actor, "role", "") != Role.HANDLER:
        return None
    if _involves(actor, resource):
        return Decision.allow("the appeal is dispatched to your department", "appeal-department")
    return Decision.deny("the appeal belongs to another department", "appeal-department")


@resource_rule("appeals.handle")
def handler_handles_lead_department(actor: Any, resource: Any) -> Decision | None:
    if not _is_appeal(resource) or getattr(actor, "role", "") != Role.HANDLER:
        return None
    how = _involves(actor, resource)
    if how == "lead":
        return Decision.allow("your department leads this appeal", "appeal-department")
    if how == "co":
        return Decision.deny("your department co-handles this appeal; the lead department acts on it",
                             "appeal-department")
    return Decision.deny("the appeal belongs to another department", "appeal-department")


@resource_rule("appeals.identity")
def handler_sees_identity_when_needed(actor: Any, resource: Any) -> Decision | None:
    if not _is_appeal(resource) or getattr(actor, "role", "") != Role.HANDLER:
        return None
    if not _involves(actor, resource):
        return Decision.deny("the appeal belongs to another department", "appeal-department")
    if resource.identity_needed or resource.reply_wanted:
        return Decision.allow("the case needs the citizen's identity (reply or visit)", "identity-need")
    return Decision.deny("this case does not need the citizen's identity", "identity-need")
