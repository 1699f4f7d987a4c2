"""三权分立 invariants on accounts: which accounts are privileged, and who must always remain.

A privileged account is one whose holder could read what the system administrator must not (the
audit log, the security policy) or the whole county's business data: the auditor, the security
administrator, and a 大数据局 (dsj) account of a role whose department scope dsj lifts (stewards see
every department's data unmasked, handlers every department's work orders). Creating, changing,
enabling or resetting such an account takes two people (`accounts.requests`).

Nobody — not even the system actor — may leave the hub without an active auditor, security
administrator or system administrator: each is the only holder of its duties.
"""

from __future__ import annotations

from typing import Any

from zhongshu.accounts.models import User
from zhongshu.accounts.roles import Role
from zhongshu.core.errors import Forbidden, PolicyViolation

# Roles whose duties are separated from the system administrator's.
SEPARATED_ROLES = frozenset({Role.AUDITOR, Role.SECADMIN})
# Roles whose scope is one department, except in the data bureau where it is the whole county
# (see catalog/rules.py and appeals/rules.py, which use permissions.whole_county).
WHOLE_COUNTY_ROLES = frozenset({Role.STEWARD, Role.HANDLER})
WHOLE_COUNTY_DEPARTMENT = "dsj"
# Roles of which one active account must always remain: the refusal and how to fix it.
INDISPENSABLE_ROLES = {
    Role.AUDITOR: ("this is the last active auditor: the hub must always have one",
                   "create and enable another auditor first"),
    Role.SECADMIN: ("this is the last active security administrator: the hub must always have one",
                    "create and enable another security administrator first"),
    Role.SYSADMIN: ("this is the last active system administrator: the hub must always have one",
                    "create and enable another system administrator first"),
}


def is_privileged(role: str, department_code: str | None) -> bool:
    """True when an account of this role and department needs the two-person rule.

    >>> is_privileged("auditor", None), is_privileged("steward", "dsj"), is_privileged("steward", "gaj")
    (True, True, False)
    >>> is_privileged("analyst", "dsj")
    False
    """
    if role in SEPARATED_ROLES:
        return True
    return role in WHOLE_COUNTY_ROLES and department_code == WHOLE_COUNTY_DEPARTMENT


def user_is_privileged(user: User) -> bool:
    return is_privileged(user.role, user.department.code if user.department_id else None)


def ensure_not_last(user: User, *, role_after: str | None, active_after: bool) -> None:
    """Refuse a change that would leave no active account of an indispensable role.

    `role_after`/`active_after` describe the account after the change; raises PolicyViolation when
    it is the last active one of its role and would stop being so.
    """
    refusal = INDISPENSABLE_ROLES.get(user.role)
    if refusal is None or not user.is_active:
        return
    if role_after == user.role and active_after:
        return
    others = User.objects.filter(role=user.role, is_active=True).exclude(pk=user.pk).exists()
    if not others:
        raise PolicyViolation(refusal[0], hint=refusal[1])


def ensure_not_self(actor: Any, user: User) -> None:
    """Administrators do not change their own account: another administrator does, on the record."""
    if getattr(actor, "pk", None) is not None and actor.pk == user.pk:
        raise Forbidden("administrators may not change their own account", policy_id="not-own-account")
