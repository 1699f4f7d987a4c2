"""The administrators' pages act (issue #12): the system administrator edits accounts and departments,
the security administrator approves privileged requests and edits the security policy. Each page
speaks Chinese to its role, refuses every other role (403), and every change is audited."""

from __future__ import annotations

import pytest
from django.test import Client

from support import TEST_PASSWORD
from zhongshu.accounts import policy
from zhongshu.accounts import requests as account_requests
from zhongshu.accounts.models import AccountRequest, Department, SecurityPolicy, User
from zhongshu.accounts.roles import Role
from zhongshu.audit.models import AuditEvent

PAGES = [
    # path (format with ids), the role that may open it, a Chinese phrase on it
    ("/accounts/users/", "sysadmin", "创建账号"),
    ("/accounts/users/{analyst}/", "sysadmin", "重置密码"),
    ("/accounts/departments/", "sysadmin", "部门"),
    ("/accounts/departments/{dept}/", "sysadmin", "上级部门"),
    ("/accounts/requests/", "secadmin", "待审批"),
    ("/accounts/security/", "secadmin", "同时在线会话数"),
]


def client_for(user: User) -> Client:
    c = Client()
    assert c.post("/accounts/login/", {"username": user.username, "password": TEST_PASSWORD}).status_code == 302
    return c


def last(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).order_by("-seq").first()


@pytest.fixture
def people(make_user):
    return {role: make_user(role) for role in Role.values}


@pytest.mark.parametrize("path,owner,phrase", PAGES)
def test_pages_render_for_their_role_and_refuse_the_others(people, path, owner, phrase):
    path = path.format(analyst=people["analyst"].pk, dept=Department.objects.get(code="gaj").pk)
    for role, user in people.items():
        response = client_for(user).get(path)
        if role == owner:
            assert response.status_code == 200, (role, path)
            assert phrase in response.content.decode(), (role, path)
        else:
            assert response.status_code == 403, (role, path, response.status_code)


def test_the_navigation_links_the_pages(people):
    assert "/accounts/requests/" in client_for(people["secadmin"]).get("/").content.decode()
    sysadmin_home = client_for(people["sysadmin"]).get("/").content.decode()
    assert "/accounts/users/" in sysadmin_home and "/accounts/requests/" not in sysadmin_home


def test_sysadmin_edits_an_account_on_its_page(people):
    c = client_for(people["sysadmin"])
    analyst = people["analyst"]
    response = c.post(f"/accounts/users/{analyst.pk}/", {"op": "update", "display_name": "分析员乙",
                                                         "role": "analyst", "department": "mzj"})
    assert response.status_code == 302
    analyst.refresh_from_db()
    assert (analyst.display_name, analyst.department.code) == ("分析员乙", "mzj")
    ev = last("user.updated")
    assert ev.actor == "sysadmin_user" and set(ev.details["changed"]) == {"display_name", "department"}


def test_sysadmin_sees_its_pending_requests(people):
    c = client_for(people["sysadmin"])
    c.post("/accounts/users/", {"op": "create", "username": "aud_new", "role": "auditor", "department": "",
                                "display_name": ""})
    page = c.get("/accounts/users/").content.decode()
    assert "aud_new" in page and "待审批" in page


def test_creating_a_plain_account_shows_its_temporary_password_once(people):
    c = client_for(people["sysadmin"])
    response = c.post("/accounts/users/", {"op": "create", "username": "op_new", "role": "operator",
                                           "department": "rx12345", "display_name": "话务员乙"})
    assert response.status_code == 200 and "临时密码" in response.content.decode()
    user = User.objects.get(username="op_new")
    assert user.must_change_password and last("user.created").actor == "sysadmin_user"


def test_secadmin_approves_and_refuses_on_the_requests_page(people):
    sysadmin, secadmin = people["sysadmin"], people["secadmin"]
    a = account_requests.propose_create(sysadmin, username="aud_a", role="auditor", department_code=None).request
    b = account_requests.propose_create(sysadmin, username="aud_b", role="auditor", department_code=None).request
    c = client_for(secadmin)
    page = c.get("/accounts/requests/").content.decode()
    assert "aud_a" in page and "aud_b" in page
    response = c.post("/accounts/requests/", {"op": "approve", "request_id": a.pk})
    assert response.status_code == 200 and 'data-testid="temp-password"' in response.content.decode()
    assert response.headers["Cache-Control"].startswith("no-store")
    assert User.objects.filter(username="aud_a", role="auditor").exists()
    c.post("/accounts/requests/", {"op": "refuse", "request_id": b.pk, "reason": "未经单位推荐"})
    assert AccountRequest.objects.get(pk=b.pk).status == "refused"
    assert last("user.request.refused").reason == "未经单位推荐"


def test_sysadmin_edits_a_department(people):
    c = client_for(people["sysadmin"])
    dept = Department.objects.get(code="gaj")
    gov = Department.objects.get(code="gov")
    response = c.post(f"/accounts/departments/{dept.pk}/", {"name": "县公安局（新）", "short_name": "公安",
                                                            "parent": gov.pk})
    assert response.status_code == 302
    dept.refresh_from_db()
    assert (dept.name, dept.short_name) == ("县公安局（新）", "公安")
    ev = last("department.updated")
    assert ev.object_id == "gaj" and set(ev.details["changed"]) == {"name", "short_name"}


def test_a_department_cannot_become_its_own_ancestor(people):
    c = client_for(people["sysadmin"])
    gov = Department.objects.get(code="gov")
    child = Department.objects.get(code="gaj")
    response = c.post(f"/accounts/departments/{gov.pk}/", {"name": gov.name, "short_name": gov.short_name,
                                                           "parent": child.pk})
    assert response.status_code == 400
    gov.refresh_from_db()
    assert gov.parent is None and last("department.updated") is None


def test_secadmin_edits_the_policy_and_the_login_code_reads_it(people):
    c = client_for(people["secadmin"])
    values = {**policy.as_dict(policy.current()), "lockout_failures": 3, "idle_minutes": 20}
    response = c.post("/accounts/security/", {"op": "policy", **values})
    assert response.status_code == 302
    row = SecurityPolicy.objects.get()
    assert (row.lockout_failures, row.idle_minutes) == (3, 20)
    changes = {e.details["setting"]: (e.details["old"], e.details["new"])
               for e in AuditEvent.objects.filter(action="policy.updated")}
    assert changes == {"lockout_failures": (5, 3), "idle_minutes": (30, 20)}
    target = people["analyst"]
    attacker = Client()
    for _ in range(3):
        attacker.post("/accounts/login/", {"username": target.username, "password": "Wrong#guess1"})
    assert attacker.post("/accounts/login/", {"username": target.username,
                                              "password": TEST_PASSWORD}).status_code == 401


@pytest.mark.parametrize("setting,value", [("lockout_failures", 0), ("lockout_failures", 100), ("idle_minutes", 0),
                                           ("max_sessions", 0), ("password_history", "x")])
def test_unsafe_policy_values_are_refused(people, setting, value):
    c = client_for(people["secadmin"])
    values = {**policy.as_dict(policy.current()), setting: value}
    response = c.post("/accounts/security/", {"op": "policy", **values})
    assert response.status_code == 400
    assert not SecurityPolicy.objects.exists() and not AuditEvent.objects.filter(action="policy.updated").exists()


def test_the_policy_defaults_come_from_the_settings(db, settings):
    settings.ZHONGSHU_LOCKOUT_FAILURES = 7
    assert policy.current().lockout_failures == 7
