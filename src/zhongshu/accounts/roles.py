"""Roles and what each may do (三权分立: system admin, security admin and auditor are separate).

A role is a set of actions. Resource-level conditions (own department, …) live in
`permissions.py`. Nothing not listed here is allowed: default deny.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SYSADMIN = "sysadmin", _("System administrator")
    SECADMIN = "secadmin", _("Security administrator")
    AUDITOR = "auditor", _("Auditor")
    STEWARD = "steward", _("Data steward")
    ANALYST = "analyst", _("Analyst")
    OPERATOR = "operator", _("Hotline operator")
    HANDLER = "handler", _("Department handler")
    LEADER = "leader", _("Leader")


# The system administrator runs the machine (accounts, departments) but reads neither audit
# records nor business data; the auditor only reads audit records; the security administrator
# manages policies but not accounts (MLPS 2.0 level 3, GB/T 22239-2019 三权分立).
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.SYSADMIN: frozenset({"home.view", "accounts.manage", "departments.manage", "system.status",
                              "open311.manage"}),
    # accounts.approve: the second person of the two-person rule for privileged accounts
    Role.SECADMIN: frozenset({"home.view", "policy.manage", "security.view", "accounts.approve"}),
    Role.AUDITOR: frozenset({"home.view", "audit.read", "audit.export", "audit.verify", "audit.checkpoint"}),
    Role.STEWARD: frozenset(
        {"home.view", "catalog.read", "catalog.edit", "catalog.ingest", "catalog.sources", "quality.manage",
         "quality.read"}
    ),
    Role.ANALYST: frozenset(
        {"home.view", "catalog.read", "quality.read", "appeals.read", "appeals.analytics", "nlp.manage",
         "appeals.taxonomy", "dashboard.view"}
    ),
    Role.OPERATOR: frozenset(
        {"home.view", "appeals.intake", "appeals.dispatch", "appeals.read", "appeals.review", "appeals.analytics",
         "appeals.import", "appeals.followup", "appeals.identity"}
    ),
    # handlers see their own department's analytics: the seed's "feed the analysis back by category"
    Role.HANDLER: frozenset({"home.view", "appeals.read", "appeals.handle", "appeals.identity", "appeals.analytics"}),
    Role.LEADER: frozenset(
        {"home.view", "catalog.read", "quality.read", "appeals.read", "appeals.analytics", "appeals.supervise",
         "dashboard.view"}
    ),
}

# Every account may change its own password (and must, after a temporary one).
ROLE_ACTIONS = {role: actions | {"account.password"} for role, actions in ROLE_ACTIONS.items()}

# Every action the hub knows. `ensure()` refuses actions not listed here, so a typo denies.
ALL_ACTIONS: frozenset[str] = frozenset().union(*ROLE_ACTIONS.values())
