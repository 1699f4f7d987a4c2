"""Passwords per MLPS level 3: length, three of four character classes, not common, not like the
username, no reuse of recent ones; users change their own, and a temporary one forces a change."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from support import TEST_PASSWORD
from zhongshu.accounts import passwords, policy
from zhongshu.accounts import requests as account_requests
from zhongshu.accounts.models import User
from zhongshu.accounts.services import create_user
from zhongshu.accounts.system import SYSTEM
from zhongshu.audit.models import AuditEvent
from zhongshu.core.errors import InvalidInput


def client_for(user, password=TEST_PASSWORD):
    c = Client()
    assert c.post("/accounts/login/", {"username": user.username, "password": password}).status_code == 302
    return c


@pytest.mark.parametrize("password", ["Lm8vqzTr", "river#7lantern", "RIVER#LANTERN9", TEST_PASSWORD,
                                      "Zs-" + "q1w2e3r4t5y6"])
def test_accepted(departments, password):
    create_user(SYSTEM, username="pw_ok", password=password, role="analyst", department_code="dsj")


@pytest.mark.parametrize("password,why", [
    ("Ab1!xyz", "too short"),
    ("riverlantern", "one class"),
    ("riverlantern7", "two classes"),
    ("RiverLantern", "two classes"),
    ("12345678901", "numeric"),
    ("Password1", "common"),
    ("Zhangwei2024!", "like the username"),
])
def test_refused(departments, password, why):
    with pytest.raises(InvalidInput) as err:
        create_user(SYSTEM, username="zhangwei", password=password, role="analyst", department_code="dsj")
    assert err.value.field == "password", why
    assert not User.objects.filter(username="zhangwei").exists()


def test_the_complexity_message_is_chinese(departments):
    with translation.override("zh-hans"), pytest.raises(InvalidInput) as err:
        create_user(SYSTEM, username="u_zh", password="riverlantern7", role="analyst", department_code="dsj")
    assert "三类" in err.value.message


def test_complexity_validator_counts_classes():
    v = passwords.ComplexityValidator()
    assert passwords.character_classes("aA1!") == 4
    assert passwords.character_classes("中文密码abc1") == 2  # CJK characters are not a class of their own
    v.validate("Lm8vqzTr")
    with pytest.raises(ValidationError):
        v.validate("lm8vqztr")


def test_history_refuses_recent_passwords(make_user):
    user = make_user("analyst", username="hist")
    steps = ["Second#pass2", "Third#pass3", "Fourth#pass4"]
    current = TEST_PASSWORD
    for new in steps:
        passwords.change_own(user, current, new)
        current = new
    for reused in [TEST_PASSWORD, "Second#pass2", "Fourth#pass4"]:
        with pytest.raises(InvalidInput, match="recent|最近"):
            passwords.change_own(user, current, reused)
    # with a shorter history (the security administrator's policy), the oldest may come back
    sec = make_user("secadmin", username="sec_hist")
    policy.update(sec, {**policy.as_dict(policy.current()), "password_history": 2})
    passwords.change_own(user, current, TEST_PASSWORD)
    assert User.objects.get(pk=user.pk).check_password(TEST_PASSWORD)


def test_change_own_password_page(make_user):
    user = make_user("operator", username="op_pw")
    c = client_for(user)
    page = c.get("/accounts/password/")
    assert page.status_code == 200 and "修改密码" in page.content.decode()
    bad = c.post("/accounts/password/", {"current": "wrong-one", "new1": "Fresh#pass8", "new2": "Fresh#pass8"})
    assert bad.status_code == 400 and User.objects.get(pk=user.pk).check_password(TEST_PASSWORD)
    ok = c.post("/accounts/password/", {"current": TEST_PASSWORD, "new1": "Fresh#pass8", "new2": "Fresh#pass8"})
    assert ok.status_code == 302
    assert User.objects.get(pk=user.pk).check_password("Fresh#pass8")
    assert c.get("/").status_code == 200  # the session survives the change
    ev = AuditEvent.objects.filter(action="user.password_changed").get()
    assert ev.actor == "op_pw" and "Fresh" not in str(ev.details)


def test_every_role_may_change_its_own_password(make_user):
    from zhongshu.accounts.permissions import allowed
    from zhongshu.accounts.roles import Role

    for role in Role.values:
        assert allowed(make_user(role, username=f"self_{role}"), "account.password")


def test_a_reset_password_is_temporary_and_forces_a_change(make_user):
    sysadmin = make_user("sysadmin")
    analyst = make_user("analyst", username="ana_reset")
    outcome = account_requests.propose_reset(sysadmin, analyst)
    temp = outcome.temp_password
    assert temp and outcome.request is None
    passwords.ComplexityValidator().validate(temp)
    ev = AuditEvent.objects.filter(action="user.password_reset").get()
    assert ev.actor == sysadmin.username and temp not in str(ev.details)
    c = client_for(analyst, temp)
    for path in ("/", "/catalog/", "/appeals/"):
        response = c.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/password/"), path
    assert c.get("/api/accounts/me").status_code == 403
    assert c.get("/accounts/password/").status_code == 200
    c.post("/accounts/password/", {"current": temp, "new1": "Mine#own9pass", "new2": "Mine#own9pass"})
    assert not User.objects.get(pk=analyst.pk).must_change_password
    assert c.get("/").status_code == 200


def test_the_reset_page_shows_the_temporary_password_once(make_user, client, login):
    login("sysadmin")
    target = make_user("operator", username="op_reset")
    response = client.post(f"/accounts/users/{target.pk}/", {"op": "reset"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "临时密码" in page and response.headers.get("Cache-Control", "").startswith("no-store")
    again = client.get(f"/accounts/users/{target.pk}/").content.decode()
    temp = page.split('data-testid="temp-password">')[1].split("<")[0]
    assert temp and temp not in again
    assert User.objects.get(pk=target.pk).check_password(temp)
