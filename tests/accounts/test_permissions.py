"""The permission matrix: 三权分立 and default deny."""

import pytest

from zhongshu.accounts.permissions import decide, ensure
from zhongshu.accounts.roles import ALL_ACTIONS, Role
from zhongshu.audit.models import AuditEvent
from zhongshu.core.errors import Forbidden

MATRIX = [
    # role, action, allowed
    ("sysadmin", "accounts.manage", True),
    ("sysadmin", "audit.read", False),
    ("sysadmin", "catalog.read", False),
    ("sysadmin", "appeals.read", False),
    ("sysadmin", "policy.manage", False),
    ("secadmin", "policy.manage", True),
    ("secadmin", "accounts.manage", False),
    ("secadmin", "audit.read", False),
    ("secadmin", "catalog.read", False),
    ("auditor", "audit.read", True),
    ("auditor", "audit.export", True),
    ("auditor", "catalog.read", False),
    ("auditor", "appeals.read", False),
    ("auditor", "accounts.manage", False),
    ("steward", "catalog.edit", True),
    ("steward", "audit.read", False),
    ("analyst", "catalog.edit", False),
    ("operator", "appeals.intake", True),
    ("operator", "catalog.read", False),
    ("handler", "appeals.handle", True),
    ("handler", "appeals.intake", False),
    ("leader", "dashboard.view", True),
    ("leader", "catalog.edit", False),
]


@pytest.mark.parametrize("role,action,expected", MATRIX)
def test_matrix(make_user, role, action, expected):
    user = make_user(role)
    decision = decide(user, action)
    assert decision.allowed is expected
    assert decision.reason  # every decision says why


@pytest.mark.parametrize("role", Role.values)
def test_nobody_may_edit_or_delete_audit_records(make_user, role):
    user = make_user(role)
    for action in ("audit.edit", "audit.delete"):
        assert action not in ALL_ACTIONS
        assert not decide(user, action).allowed


def test_unknown_action_is_denied_by_default(make_user):
    decision = decide(make_user("sysadmin"), "anything.at.all")
    assert not decision.allowed and "default" in decision.reason


def test_anonymous_is_denied(db):
    from django.contrib.auth.models import AnonymousUser

    assert decide(AnonymousUser(), "home.view").reason == "login required"


def test_disabled_account_is_denied(make_user):
    user = make_user("analyst")
    user.is_active = False
    assert decide(user, "catalog.read").reason == "account is disabled"


def test_denial_raises_with_reason_and_is_audited(make_user):
    user = make_user("sysadmin")
    with pytest.raises(Forbidden, match="may not audit.read"):
        ensure(user, "audit.read")
    last = AuditEvent.objects.order_by("-seq").first()
    assert (last.action, last.outcome, last.actor) == ("authz.denied", "denied", user.username)
    assert last.details["requested"] == "audit.read"
