"""三权分立 that holds: privileged accounts take two people, the last auditor/secadmin/sysadmin stays.

The finding (issue #7 item 4): the system administrator created an auditor, a 大数据局 steward and an
operator, logged in as them and read the audit log, unmasked previews and a citizen's identity, and
could disable the auditor. Now creating, changing, enabling or resetting a privileged account is a
request that a security administrator (another person) approves; nothing takes effect before.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from support import TEST_PASSWORD
from zhongshu.accounts import requests as account_requests
from zhongshu.accounts import services
from zhongshu.accounts.models import AccountRequest, User
from zhongshu.accounts.separation import is_privileged
from zhongshu.accounts.system import SYSTEM
from zhongshu.audit.models import AuditEvent
from zhongshu.core.errors import Forbidden, InvalidInput, PolicyViolation


def client_for(user: User, password: str = TEST_PASSWORD) -> Client:
    c = Client()
    response = c.post("/accounts/login/", {"username": user.username, "password": password})
    assert response.status_code == 302, response.content[:300]
    return c


def last(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).order_by("-seq").first()


@pytest.fixture
def admins(make_user):
    return make_user("sysadmin"), make_user("secadmin"), make_user("auditor")


@pytest.mark.parametrize("role,department,privileged", [
    ("auditor", None, True), ("secadmin", None, True), ("steward", "dsj", True), ("handler", "dsj", True),
    ("steward", "gaj", False), ("analyst", "dsj", False), ("operator", "rx12345", False),
    ("sysadmin", None, False), ("leader", "gov", False),
])
def test_which_accounts_are_privileged(role, department, privileged):
    assert is_privileged(role, department) is privileged


# --- the finding, through the page the system administrator uses -------------------------------------

@pytest.mark.parametrize("role,department", [("auditor", ""), ("secadmin", ""), ("steward", "dsj")])
def test_sysadmin_cannot_create_a_privileged_account_alone(admins, role, department):
    sysadmin, _, _ = admins
    c = client_for(sysadmin)
    response = c.post("/accounts/users/", {"op": "create", "username": "new_priv", "role": role,
                                           "department": department, "display_name": "x"})
    assert response.status_code in (200, 302)
    assert not User.objects.filter(username="new_priv").exists()  # nothing takes effect before approval
    req = AccountRequest.objects.get(username="new_priv")
    assert (req.kind, req.status, req.requested_by) == ("create", "pending", sysadmin)
    assert last("user.request.created").details["kind"] == "create"


def test_a_secadmin_approves_and_the_temporary_password_goes_to_the_approver(admins):
    sysadmin, secadmin, _ = admins
    req = account_requests.propose_create(sysadmin, username="aud2", role="auditor", department_code=None,
                                          display_name="第二审计员").request
    outcome = account_requests.approve(secadmin, req)
    user = User.objects.get(username="aud2")
    assert user.role == "auditor" and user.must_change_password and outcome.temp_password
    assert user.check_password(outcome.temp_password)
    created = last("user.created")
    assert (created.actor, created.details["request"]) == (secadmin.username, str(req.pk))
    approved = last("user.request.approved")
    assert approved.details == {"kind": "create", "requested_by": sysadmin.username, "target": "aud2"}
    assert outcome.temp_password not in str(list(AuditEvent.objects.values_list("details", "reason")))
    # the first login must change the temporary password before anything else
    c = client_for(user, outcome.temp_password)
    response = c.get("/audit/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/password/")


def test_the_requester_cannot_approve_and_nobody_approves_twice(admins, make_user):
    sysadmin, secadmin, _ = admins
    req = account_requests.propose_create(sysadmin, username="sec2", role="secadmin", department_code=None).request
    with pytest.raises(Forbidden):
        account_requests.approve(sysadmin, req)  # the system administrator holds no accounts.approve
    assert last("authz.denied").details["requested"] == "accounts.approve"
    account_requests.refuse(secadmin, req, "不是本单位人员")
    req.refresh_from_db()
    assert req.status == "refused" and req.reason == "不是本单位人员"
    assert last("user.request.refused").details["kind"] == "create"
    with pytest.raises(InvalidInput):
        account_requests.approve(secadmin, req)
    assert not User.objects.filter(username="sec2").exists()


def test_a_refusal_needs_a_reason(admins):
    sysadmin, secadmin, _ = admins
    req = account_requests.propose_create(sysadmin, username="aud3", role="auditor", department_code=None).request
    with pytest.raises(InvalidInput):
        account_requests.refuse(secadmin, req, "  ")


def test_a_secadmin_cannot_approve_a_change_to_their_own_account(admins, make_user):
    sysadmin, secadmin, _ = admins
    make_user("secadmin", username="sec_other")
    req = account_requests.propose_reset(sysadmin, secadmin).request
    with pytest.raises(Forbidden, match="own account"):
        account_requests.approve(secadmin, req)
    outcome = account_requests.approve(User.objects.get(username="sec_other"), req)
    assert outcome.temp_password


# who may create and approve what: the matrix
CREATE_MATRIX = [
    # actor role, target role, target department, outcome: "direct" | "request" | "forbidden"
    ("sysadmin", "analyst", "dsj", "direct"),
    ("sysadmin", "operator", "rx12345", "direct"),
    ("sysadmin", "steward", "gaj", "direct"),
    ("sysadmin", "sysadmin", None, "direct"),
    ("sysadmin", "steward", "dsj", "request"),
    ("sysadmin", "handler", "dsj", "request"),
    ("sysadmin", "auditor", None, "request"),
    ("sysadmin", "secadmin", None, "request"),
    ("secadmin", "analyst", "dsj", "forbidden"),
    ("secadmin", "auditor", None, "forbidden"),
    ("auditor", "auditor", None, "forbidden"),
    ("steward", "analyst", "gaj", "forbidden"),
    ("leader", "operator", "rx12345", "forbidden"),
]


@pytest.mark.parametrize("actor_role,role,dept,expected", CREATE_MATRIX)
def test_create_matrix(make_user, actor_role, role, dept, expected):
    actor = make_user(actor_role, username=f"actor_{actor_role}")
    if expected == "forbidden":
        with pytest.raises(Forbidden):
            account_requests.propose_create(actor, username="target", role=role, department_code=dept)
        return
    outcome = account_requests.propose_create(actor, username="target", role=role, department_code=dept)
    if expected == "direct":
        assert outcome.user is not None and outcome.request is None and outcome.temp_password
        assert outcome.user.must_change_password
    else:
        assert outcome.user is None and outcome.request.status == "pending"
        assert not User.objects.filter(username="target").exists()


APPROVE_MATRIX = [("secadmin", True), ("sysadmin", False), ("auditor", False), ("steward", False),
                  ("analyst", False), ("leader", False)]


@pytest.mark.parametrize("role,may", APPROVE_MATRIX)
def test_approve_matrix(make_user, role, may):
    sysadmin = make_user("sysadmin", username="sys_req")
    req = account_requests.propose_create(sysadmin, username="aud_m", role="auditor", department_code=None).request
    approver = make_user(role, username=f"approver_{role}")
    if may:
        account_requests.approve(approver, req)
        assert User.objects.filter(username="aud_m", role="auditor").exists()
    else:
        with pytest.raises(Forbidden):
            account_requests.approve(approver, req)
        assert not User.objects.filter(username="aud_m").exists()


def test_direct_creation_by_a_user_refuses_privileged_roles(admins):
    sysadmin, _, _ = admins
    with pytest.raises(Forbidden, match="approval"):
        services.create_user(sysadmin, username="x_aud", password=TEST_PASSWORD, role="auditor")


# --- changes to existing accounts ---------------------------------------------------------------------

def test_moving_a_steward_into_the_data_bureau_is_a_request(admins, make_user):
    sysadmin, secadmin, _ = admins
    steward = make_user("steward", username="st_gaj", department="gaj")
    outcome = account_requests.propose_update(sysadmin, steward, department_code="dsj", role="steward",
                                              display_name="新名字")
    steward.refresh_from_db()
    assert outcome.request is not None and steward.department.code == "gaj"
    account_requests.approve(secadmin, outcome.request)
    steward.refresh_from_db()
    assert steward.department.code == "dsj" and steward.display_name == "新名字"
    updated = last("user.updated")
    assert set(updated.details["changed"]) == {"department", "display_name"}
    assert updated.details["request"] == str(outcome.request.pk)


def test_demoting_an_auditor_is_a_request(admins, make_user):
    sysadmin, secadmin, auditor = admins
    make_user("auditor", username="aud_b")
    outcome = account_requests.propose_update(sysadmin, auditor, role="analyst", department_code="dsj",
                                              display_name=auditor.display_name)
    assert outcome.request is not None
    auditor.refresh_from_db()
    assert auditor.role == "auditor"


def test_plain_changes_take_effect_at_once_and_are_audited(admins, make_user):
    sysadmin, _, _ = admins
    analyst = make_user("analyst", username="ana_x")
    outcome = account_requests.propose_update(sysadmin, analyst, role="leader", department_code="gov",
                                              display_name="县领导甲")
    analyst.refresh_from_db()
    assert outcome.request is None and (analyst.role, analyst.department.code) == ("leader", "gov")
    ev = last("user.updated")
    assert ev.actor == sysadmin.username and set(ev.details["changed"]) == {"role", "department", "display_name"}


def test_the_sysadmin_cannot_change_its_own_account(admins):
    sysadmin, _, _ = admins
    with pytest.raises(Forbidden, match="own account"):
        account_requests.propose_update(sysadmin, sysadmin, role="steward", department_code="gaj",
                                        display_name="")
    with pytest.raises(Forbidden, match="own account"):
        account_requests.disable(sysadmin, sysadmin)


def test_enabling_a_privileged_account_is_a_request_disabling_is_not(admins, make_user):
    sysadmin, secadmin, _ = admins
    aud_b = make_user("auditor", username="aud_b")
    account_requests.disable(sysadmin, aud_b)
    aud_b.refresh_from_db()
    assert not aud_b.is_active and last("user.disabled").object_id == "aud_b"
    outcome = account_requests.propose_enable(sysadmin, aud_b)
    aud_b.refresh_from_db()
    assert outcome.request is not None and not aud_b.is_active
    account_requests.approve(secadmin, outcome.request)
    aud_b.refresh_from_db()
    assert aud_b.is_active and last("user.enabled").details["request"] == str(outcome.request.pk)


def test_resetting_a_privileged_password_is_a_request(admins):
    sysadmin, secadmin, auditor = admins
    outcome = account_requests.propose_reset(sysadmin, auditor)
    auditor.refresh_from_db()
    assert outcome.temp_password == "" and auditor.check_password(TEST_PASSWORD)
    approved = account_requests.approve(secadmin, outcome.request)
    auditor.refresh_from_db()
    assert auditor.check_password(approved.temp_password) and auditor.must_change_password
    assert last("user.password_reset").details["request"] == str(outcome.request.pk)


def test_one_pending_request_per_account(admins):
    sysadmin, _, auditor = admins
    account_requests.propose_reset(sysadmin, auditor)
    with pytest.raises(InvalidInput, match="pending"):
        account_requests.propose_reset(sysadmin, auditor)
    account_requests.propose_create(sysadmin, username="aud_p", role="auditor", department_code=None)
    with pytest.raises(InvalidInput, match="pending"):
        account_requests.propose_create(sysadmin, username="aud_p", role="auditor", department_code=None)


# --- nobody removes the last auditor, security administrator or system administrator -----------------

def test_the_last_auditor_cannot_be_disabled(admins, client):
    sysadmin, _, auditor = admins
    c = client_for(sysadmin)
    c.post("/accounts/users/", {"op": "toggle", "user_id": auditor.pk})
    auditor.refresh_from_db()
    assert auditor.is_active
    with pytest.raises(PolicyViolation, match="last active auditor"):
        account_requests.disable(sysadmin, auditor)
    with pytest.raises(PolicyViolation, match="last active auditor"):
        services.set_active(SYSTEM, auditor, False)  # nobody: not even the system actor


def test_the_last_auditor_cannot_be_demoted_even_by_an_approved_request(admins, make_user):
    sysadmin, secadmin, auditor = admins
    with pytest.raises(PolicyViolation, match="last active auditor"):
        account_requests.propose_update(sysadmin, auditor, role="analyst", department_code="dsj", display_name="")
    other = make_user("auditor", username="aud_c")
    req = account_requests.propose_update(sysadmin, auditor, role="analyst", department_code="dsj",
                                          display_name="").request
    account_requests.disable(sysadmin, other)  # now the auditor is the last one again
    with pytest.raises(PolicyViolation, match="last active auditor"):
        account_requests.approve(secadmin, req)
    auditor.refresh_from_db()
    assert auditor.role == "auditor"


@pytest.mark.parametrize("role", ["secadmin", "sysadmin"])
def test_the_last_secadmin_and_sysadmin_stay(make_user, role):
    sysadmin = make_user("sysadmin", username="sys_main")
    target = sysadmin if role == "sysadmin" else make_user(role, username="only_one")
    with pytest.raises(PolicyViolation, match=f"last active {'security' if role == 'secadmin' else 'system'}"):
        services.set_active(SYSTEM, target, False)


def test_disabling_ends_the_accounts_sessions(admins, make_user):
    sysadmin, _, _ = admins
    analyst = make_user("analyst", username="ana_s")
    c = client_for(analyst)
    assert c.get("/").status_code == 200
    account_requests.disable(sysadmin, analyst)
    assert c.get("/").status_code == 302


# --- the bootstrap: the command line creates the first auditor and security administrator -----------

def test_cli_creates_the_first_auditor_only(departments, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(TEST_PASSWORD + "\n"))
    call_command("createuser", "first_aud", "--role", "auditor", "--password-stdin")
    ev = last("user.created")
    assert (ev.actor, ev.object_id) == ("system", "first_aud") and "install" in ev.reason
    monkeypatch.setattr("sys.stdin", io.StringIO(TEST_PASSWORD + "\n"))
    with pytest.raises(CommandError, match="approv"):
        call_command("createuser", "second_aud", "--role", "auditor", "--password-stdin")
    assert not User.objects.filter(username="second_aud").exists()
    # ordinary accounts are not limited
    monkeypatch.setattr("sys.stdin", io.StringIO(TEST_PASSWORD + "\n"))
    call_command("createuser", "ana_cli", "--role", "analyst", "--department", "dsj", "--password-stdin")
