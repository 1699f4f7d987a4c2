"""Login throttling behind a shared proxy (device cookies), and an audit log that anonymous failures
cannot grow without limit.

Findings (issue #7 items 10 and 11): a blocked IP's logins each wrote an audit record; the IP block
locked out correct passwords of everybody behind a shared proxy.
"""

from __future__ import annotations

import pytest
from django.test import Client

from support import TEST_PASSWORD
from zhongshu.accounts import devices
from zhongshu.accounts.models import KnownAddress, LoginFailure
from zhongshu.audit.models import AuditEvent
from zhongshu.audit.services import flush_repeats

PROXY = "10.20.30.40"


def post_login(c: Client, username: str, password: str, ip: str = PROXY):
    return c.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def count(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def spray(n: int, ip: str = PROXY) -> None:
    """An attacker behind the proxy guesses passwords of many accounts."""
    attacker = Client()
    for i in range(n):
        post_login(attacker, f"guess{i % 7}", f"Spring#{2020 + i}", ip)


def test_a_user_with_a_device_cookie_passes_the_ip_block(make_user):
    user = make_user("handler")
    browser = Client()
    assert post_login(browser, user.username, TEST_PASSWORD).status_code == 302  # the browser is now known
    assert devices.COOKIE in browser.cookies
    browser.post("/accounts/logout/")
    spray(25)
    checked = LoginFailure.objects.count()
    assert post_login(Client(), "guess1", "Spring#1999").status_code == 401  # new guesses stop …
    assert LoginFailure.objects.count() == checked and count("login.blocked_ip") == 1
    response = post_login(browser, user.username, TEST_PASSWORD)  # … the known browser goes on
    assert response.status_code == 302
    success = AuditEvent.objects.filter(action="login.success").order_by("-seq").first()
    assert success.details == {"trusted_device": True}


def test_new_guesses_from_the_blocked_address_are_not_checked(make_user, settings):
    victim = make_user("analyst")
    spray(25)
    # the attacker's correct guess of an account never used from this address does not get through
    assert post_login(Client(), victim.username, TEST_PASSWORD).status_code == 401
    before = LoginFailure.objects.count()
    for _ in range(10):
        post_login(Client(), victim.username, TEST_PASSWORD)
    assert LoginFailure.objects.count() == before  # refused before any password check
    # another address is not affected
    assert post_login(Client(), victim.username, TEST_PASSWORD, ip="10.20.30.41").status_code == 302


def test_a_device_cookie_of_another_account_does_not_help(make_user):
    alice, bob = make_user("analyst", username="alice"), make_user("leader", username="bob")
    browser = Client()
    post_login(browser, alice.username, TEST_PASSWORD)
    browser.post("/accounts/logout/")
    spray(25)
    assert post_login(browser, bob.username, TEST_PASSWORD).status_code == 401


def test_a_forged_device_cookie_is_ignored(make_user):
    user = make_user("analyst")
    spray(25)
    c = Client()
    c.cookies[devices.COOKIE] = f'[["{user.username}", "abc"]]'
    assert post_login(c, user.username, TEST_PASSWORD).status_code == 401


def test_a_known_address_lets_a_new_browser_in_with_the_right_password(make_user):
    """The rule for a new browser behind a blocked address: the account logged in from this address
    before, has no failed login in the window, and the address has used fewer than the account
    lockout's number of such checks in the window (so a sprayer gets at most that many guesses)."""
    user = make_user("handler")
    post_login(Client(), user.username, TEST_PASSWORD)
    assert KnownAddress.objects.filter(user=user).count() == 1
    spray(25)
    assert post_login(Client(), user.username, TEST_PASSWORD).status_code == 302


def test_the_known_address_exception_is_bounded(make_user, settings):
    users = [make_user("analyst", username=f"known{i}") for i in range(8)]
    for u in users:
        post_login(Client(), u.username, TEST_PASSWORD)  # each logged in from the proxy before
    spray(25)
    failures_before = LoginFailure.objects.count()
    for u in users:  # the sprayer now aims at accounts known at this address
        post_login(Client(), u.username, "Wrong#guess1")
    checked = LoginFailure.objects.count() - failures_before
    assert checked == 5  # the lockout's failure count, then the exception closes for the window
    assert post_login(Client(), users[-1].username, TEST_PASSWORD).status_code == 401


def test_device_failures_are_limited_per_device(make_user):
    user = make_user("analyst")
    browser = Client()
    post_login(browser, user.username, TEST_PASSWORD)
    browser.post("/accounts/logout/")
    for _ in range(5):
        post_login(browser, user.username, "Wrong#guess1")
    # the device is no longer trusted; the untrusted rules apply (and the account is not locked for them)
    assert not LoginFailure.objects.filter(username=user.username, device="").exists()
    assert post_login(Client(), user.username, TEST_PASSWORD, ip="10.1.1.1").status_code == 302


def test_an_attacker_cannot_lock_a_user_out_of_their_own_browser(make_user):
    user = make_user("analyst")
    browser = Client()
    post_login(browser, user.username, TEST_PASSWORD)
    browser.post("/accounts/logout/")
    attacker = Client()
    for _ in range(6):
        post_login(attacker, user.username, "Wrong#guess1", ip="10.66.66.66")
    assert post_login(Client(), user.username, TEST_PASSWORD, ip="10.7.7.7").status_code == 401  # locked …
    assert post_login(browser, user.username, TEST_PASSWORD).status_code == 302  # … but not for this browser


@pytest.mark.parametrize("n", [30])
def test_blocked_address_refusals_are_aggregated(make_user, settings, n):
    settings.ZHONGSHU_IP_FAILURES = 5
    spray(5)
    before = AuditEvent.objects.count()
    attacker = Client()
    for i in range(n):
        post_login(attacker, f"other{i}", "Whatever#1")
    assert AuditEvent.objects.count() - before <= 2
    assert count("login.blocked_ip") == 1
    from datetime import datetime, timedelta, timezone

    flush_repeats(datetime.now(timezone.utc) + timedelta(seconds=settings.ZHONGSHU_AUDIT_REPEAT_SECONDS + 1))
    summary = AuditEvent.objects.filter(action="audit.suppressed", details__action="login.blocked_ip").get()
    assert summary.details["count"] == n - 1


def test_failures_and_locked_refusals_are_aggregated(make_user):
    user = make_user("analyst")
    attacker = Client()
    for _ in range(40):
        post_login(attacker, user.username, "Wrong#guess1", ip="10.5.5.5")
    assert count("login.failure") == 1
    assert count("login.lockout") == 1
    assert count("login.locked") == 1
    assert AuditEvent.objects.count() <= 6
