"""The navigation: each item names the action it needs, so every role sees only what it may do."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from zhongshu.accounts.permissions import allowed


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    action: str
    icon: str = ""


NAV: tuple[NavItem, ...] = (
    NavItem(_("Home"), "web:home", "home.view", "⌂"),
    NavItem(_("Catalog"), "catalog:index", "catalog.read", "▤"),
    NavItem(_("Ingest data"), "catalog:upload", "catalog.ingest", "▲"),
    NavItem(_("Data quality"), "catalog:incidents", "quality.read", "✓"),
    NavItem(_("New appeal"), "appeals:intake", "appeals.intake", "✚"),
    NavItem(_("Work orders"), "appeals:list", "appeals.read", "☰"),
    NavItem(_("Appeal analytics"), "appeals:analytics", "appeals.analytics", "◆"),
    NavItem(_("Triage models"), "nlp:models", "nlp.manage", "◎"),
    NavItem(_("Audit log"), "audit:events", "audit.read", "★"),
    NavItem(_("Accounts"), "accounts:users", "accounts.manage", "●"),
    NavItem(_("Departments"), "accounts:departments", "departments.manage", "■"),
    NavItem(_("System status"), "web:system_status", "system.status", "◉"),
    NavItem(_("Security policy"), "accounts:security", "policy.manage", "◇"),
    NavItem(_("Account requests"), "accounts:requests", "accounts.approve", "✔"),
    NavItem(_("Database source allow-list"), "catalog:source_rules", "policy.manage", "⛨"),
    NavItem(_("Change password"), "accounts:password", "account.password", "⚿"),
)


def items_for(user) -> list[dict]:
    """The navigation entries this user may open (entries whose page does not exist yet are left out)."""
    out = []
    for item in NAV:
        if not allowed(user, item.action):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        out.append({"label": item.label, "url": url, "icon": item.icon, "name": item.url_name})
    return out
