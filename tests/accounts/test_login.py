"""Login: argon2, password rules, lockout, IP limit, session limits, and their audit events."""

from datetime import timedelta

import pytest
from django.utils import timezone

from support import TEST_PASSWORD
from zhongshu.accounts.models import LoginFailure, User
from zhongshu.accounts.services import create_user
from zhongshu.accounts.system import SYSTEM
from zhongshu.audit.models import AuditEvent
from zhongshu.core.errors import InvalidInput


def actions():
    return list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))


def post_login(client, username, password, ip="10.9.8.7"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_passwords_are_argon2(make_user):
    user = make_user("analyst")
    assert User.objects.get(pk=user.pk).password.startswith("argon2")


@pytest.mark.parametrize("password,why", [("short1!", "too short"), ("password123", "too common"), ("12345678901", "numeric")])
def test_password_rules(departments, password, why):
    with pytest.raises(InvalidInput) as err:
        create_user(SYSTEM, username="u1", password=password, role="analyst", department_code="dsj")
    assert err.value.field == "password"
    assert not User.objects.filter(username="u1").exists()


def test_login_success_failure_logout_are_audited(client, make_user):
    user = make_user("analyst")
    assert post_login(client, user.username, "wrong-password").status_code == 401
    assert post_login(client, user.username, TEST_PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    assert actions()[-3:] == ["login.failure", "login.success", "logout"]
    failure = AuditEvent.objects.get(action="login.failure")
    assert failure.ip == "10.9.8.7" and failure.outcome == "failure"


def test_account_locks_after_five_failures(client, make_user):
    user = make_user("analyst")
    for _ in range(5):
        post_login(client, user.username, "nope-nope")
    assert "login.lockout" in actions()
    # the right password no longer works while locked
    response = post_login(client, user.username, TEST_PASSWORD)
    assert response.status_code == 401
    assert "locked" in response.content.decode() or "锁定" in response.content.decode()
    assert actions()[-1] == "login.locked"
    # after the window passes, it works again
    LoginFailure.objects.update(at=timezone.now() - timedelta(minutes=16))
    assert post_login(client, user.username, TEST_PASSWORD).status_code == 302


def test_ip_rate_limit_across_accounts(client, make_user, settings):
    settings.ZHONGSHU_IP_FAILURES = 6
    user = make_user("analyst")
    for i in range(6):
        post_login(client, f"nobody{i}", "x" * 9, ip="10.0.0.66")
    response = post_login(client, user.username, TEST_PASSWORD, ip="10.0.0.66")
    assert response.status_code == 401
    assert actions()[-1] == "login.blocked_ip"
    assert post_login(client, user.username, TEST_PASSWORD, ip="10.0.0.67").status_code == 302


def test_unknown_user_and_wrong_password_look_the_same(client, make_user):
    user = make_user("analyst")
    a = post_login(client, user.username, "wrong-one").content.decode()
    b = post_login(client, "no-such-user", "wrong-one").content.decode()
    assert a.replace(user.username, "") .count("badge bad") == b.count("badge bad")


def test_idle_timeout_logs_out_and_audits(client, login, settings):
    login("analyst")
    session = client.session
    session["zs_seen_at"] -= settings.ZHONGSHU_SESSION_IDLE.total_seconds() + 5
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    last = AuditEvent.objects.order_by("-seq").first()
    assert (last.action, last.reason) == ("logout", "session idle timeout")


def test_absolute_lifetime(client, login, settings):
    login("analyst")
    session = client.session
    session["zs_login_at"] -= settings.ZHONGSHU_SESSION_MAX.total_seconds() + 5
    session.save()
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.order_by("-seq").first().reason == "session lifetime reached"


def test_open_redirect_refused(client, make_user):
    user = make_user("analyst")
    response = client.post("/accounts/login/?next=https://evil.example/", {"username": user.username, "password": TEST_PASSWORD})
    assert response["Location"] == "/"


def test_security_admin_unlocks(client, make_user, login):
    victim = make_user("analyst")
    for _ in range(5):
        post_login(client, victim.username, "nope-nope")
    login("secadmin")
    page = client.get("/accounts/security/")
    assert victim.username in page.content.decode()
    client.post("/accounts/security/", {"username": victim.username})
    assert actions()[-1] == "login.unlocked"
