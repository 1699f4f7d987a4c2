"""Each role logs in through a real browser and sees exactly the navigation its role allows."""

import pytest
from django.urls import NoReverseMatch, reverse

from zhongshu.accounts.roles import ROLE_ACTIONS
from zhongshu.web.navigation import NAV

from .conftest import ROLE_USERS, SCREENSHOTS

pytestmark = pytest.mark.browser


def expected_nav(role):
    names = []
    for item in NAV:
        if item.action not in ROLE_ACTIONS[role]:
            continue
        try:
            reverse(item.url_name)
        except NoReverseMatch:
            continue
        names.append(item.url_name)
    return names


@pytest.mark.parametrize("role", list(ROLE_USERS))
def test_role_sees_its_navigation(page_as, role):
    page = page_as(role)
    shown = page.eval_on_selector_all("[data-nav]", "els => els.map(e => e.dataset.nav)")
    assert shown == expected_nav(role)
    assert "中枢" in page.title()  # Chinese by default
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"nav-{role}.png"), full_page=True)
    # every link in the navigation opens without an error for this role
    for href in page.eval_on_selector_all("[data-nav]", "els => els.map(e => e.getAttribute('href'))"):
        response = page.goto(page.url.split("/", 3)[0] + "//" + page.url.split("/", 3)[2] + href)
        assert response.status == 200, href


def test_separation_of_duties_in_the_browser(page_as, hub):
    admin = page_as("sysadmin")
    assert admin.goto(hub + "/audit/").status == 403
    assert "audit:events" not in admin.eval_on_selector_all("[data-nav]", "els => els.map(e => e.dataset.nav)")
    auditor = page_as("auditor")
    assert auditor.goto(hub + "/accounts/users/").status == 403
    assert auditor.goto(hub + "/audit/").status == 200
    assert auditor.locator("[data-testid=audit-table] tr[data-action='login.success']").count() >= 2


def test_wrong_password_shows_a_clear_message(browser, hub):
    page = browser.new_page(locale="zh-CN")
    page.goto(hub + "/accounts/login/")
    page.fill("input[name=username]", "analyst1")
    page.fill("input[name=password]", "not-the-password")
    page.click("button[type=submit]")
    assert page.locator("[data-testid=login-error]").is_visible()
    page.close()


def test_language_switch_to_english(page_as, hub):
    page = page_as("auditor")
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    assert "Audit log" in page.locator("[data-testid=nav]").inner_text()
