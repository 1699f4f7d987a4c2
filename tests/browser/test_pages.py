"""Key pages in a real browser: a citizen on a phone, the operator's live triage, a steward's upload."""

import re
from datetime import date

import pytest

from zhongshu.core.identifiers import make_resident_id

from .conftest import SCREENSHOTS

pytestmark = pytest.mark.browser


def test_citizen_submits_and_tracks_on_a_phone(browser, hub):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(hub + "/appeals/public/")
    page.fill("textarea[name=text]", "小区门口路灯坏了一个月，晚上老人出门很不安全<script>alert(1)</script>")
    page.click("[data-testid=public-form] button.primary")
    code = page.locator("[data-testid=tracking-code]").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{8,20}", code)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "citizen-done.png"), full_page=True)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{hub}/appeals/public/track/?code={code}")
    assert code in page.content()
    assert not dialogs  # the script in the text never runs
    # the page fits the phone: no horizontal scrolling
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    context.close()


def test_operator_sees_the_triage_suggestion_while_typing(page_as, hub):
    page = page_as("operator")
    page.goto(hub + "/appeals/intake/")
    page.locator("textarea[name=text]").press_sequentially("公司拖欠工资三个月了，老板跑了，我们二十多个工人想去堵路讨薪", delay=5)
    suggestion = page.locator("[data-testid=suggestion]")
    suggestion.locator("[data-testid=s-priority]").wait_for(timeout=15000)
    text = suggestion.inner_text()
    assert "拖欠工资" in text or "讨薪" in text  # the reasons name the words that drove it
    page.screenshot(path=str(SCREENSHOTS / "operator-intake.png"), full_page=True)
    page.keyboard.press("Control+Enter")
    page.wait_for_load_state("networkidle")
    assert "/appeals/" in page.url


def test_steward_uploads_a_gbk_csv_and_sees_it_masked(page_as, hub, tmp_path):
    source = tmp_path / "低保名单.csv"
    ids = [make_resident_id("371122", date(1990, 1, 1), 123), make_resident_id("371122", date(1985, 7, 7), 88)]
    rows = ["身份证号,姓名,金额", f"{ids[0]},张三,560", f"{ids[1]},李四,720"]
    source.write_bytes("\n".join(rows).encode("gbk"))
    page = page_as("steward")
    page.goto(hub + "/catalog/upload/")
    page.set_input_files("input[name=file]", str(source))
    page.fill("input[name=new_name]", "浏览器上传测试")
    page.click("[data-testid=upload] button.primary")
    page.wait_for_load_state("networkidle")
    start = page.locator("form[action$='/start'] button.primary")
    if start.count():  # step 2 of the wizard: confirm the detected format and encoding
        start.click()
    page.wait_for_selector("[data-testid=status][data-state=succeeded], [data-testid=status][data-state=failed]",
                           timeout=60000)
    status = page.locator("[data-testid=status]")
    assert status.get_attribute("data-state") == "succeeded", status.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "steward-upload.png"), full_page=True)
    page.click("text=打开数据集")
    page.wait_for_load_state("networkidle")
    body = page.content()
    assert "浏览器上传测试" in body
    assert ids[0] not in body and "张三" not in body  # preview is masked
    page.screenshot(path=str(SCREENSHOTS / "steward-dataset.png"), full_page=True)
