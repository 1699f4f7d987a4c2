"""Intake: citizen form (CSRF, rate limit, tracking), operator entry, suggestion fragment, bad input."""

import re

import pytest
from django.test import Client

from zhongshu.appeals import intake, services
from zhongshu.appeals.models import Appeal, AppealEvent
from zhongshu.audit.models import AuditEvent
from zhongshu.core.errors import InvalidInput

GOOD = {"text": "我家小区门口的下水道堵了三天，污水横流，气味很大", "appeal_type": "complaint",
        "citizen_name": "王小明", "citizen_phone": "13812345678", "reply_wanted": "on"}


def post_form(client, **extra):
    page = client.get("/appeals/public/")
    token = re.search(rb'name="submission" value="([0-9a-f]+)"', page.content).group(1).decode()
    return client.post("/appeals/public/", {**GOOD, "submission": token, **extra})


def test_public_form_tracking_and_timeline(client, departments):
    page = client.get("/appeals/public/")
    assert page.status_code == 200 and b"csrfmiddlewaretoken" in page.content
    response = post_form(client)
    assert response.status_code == 302
    code = response["Location"].split("code=")[1]
    appeal = Appeal.objects.get(tracking_code=code)
    assert appeal.channel == "web" and appeal.deadline and appeal.triage["suggestion"]["reasons"]
    assert code.encode() in client.get(response["Location"]).content
    track = client.get("/appeals/public/track/", {"code": code})
    assert track.status_code == 200 and "王小明".encode() not in track.content
    assert b"13812345678" not in track.content and b"138****5678" not in track.content
    AppealEvent.objects.create(appeal=appeal, at=appeal.received_at, actor="op", action="return", note="内部备注",
                               public=False)
    assert "内部备注".encode() not in client.get("/appeals/public/track/", {"code": code}).content
    assert client.get("/appeals/public/track/", {"code": "NOPE"}).status_code == 200


def test_public_form_needs_csrf(departments):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/appeals/public/", GOOD).status_code == 403
    assert not Appeal.objects.exists()


def test_public_form_rate_limit(client, departments, settings):
    settings.ZHONGSHU_APPEAL_RATE_LIMIT = "3/600"
    for _ in range(3):
        assert post_form(client).status_code == 302
    blocked = post_form(client)
    assert blocked.status_code == 429 and Appeal.objects.count() == 3 and int(blocked["Retry-After"]) >= 1
    assert AuditEvent.objects.filter(action="appeal.rate_limited").exists()
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert post_form(other).status_code == 302  # per address


def test_replayed_submission_returns_the_original(client, departments):
    page = client.get("/appeals/public/")
    token = re.search(rb'name="submission" value="([0-9a-f]+)"', page.content).group(1).decode()
    first = client.post("/appeals/public/", {**GOOD, "submission": token})
    second = client.post("/appeals/public/", {**GOOD, "submission": token})
    assert first["Location"] == second["Location"] and Appeal.objects.count() == 1


@pytest.mark.parametrize("extra,field", [
    ({"text": ""}, "text"),
    ({"text": "   "}, "text"),
    ({"text": "长" * 20000}, "text"),
    ({"citizen_phone": "12345"}, "citizen_phone"),
    ({"citizen_phone": "", "reply_wanted": "on"}, "citizen_phone"),
    ({"appeal_type": "<script>"}, "appeal_type"),
    ({"township": "999999999"}, "township"),
])
def test_bad_input_is_refused_clearly(client, departments, extra, field):
    response = post_form(client, **extra)
    assert response.status_code == 400
    assert field.encode() in response.content and not Appeal.objects.exists()
    if extra.get("text", "").startswith("长"):
        assert b"5000" in response.content


def test_bad_coordinates(users):
    for lat, long in (("91", "118"), ("abc", "118"), ("35.5", None), ("nan", "118"), ("-33.9", "151.2")):
        with pytest.raises(InvalidInput):
            intake.clean(intake.AppealInput(text="x", lat=lat, long=long))
    assert intake.clean(intake.AppealInput(text="x", lat="35.59", long="118.83"))["lat"] == 35.59


def test_html_and_emoji_are_stored_and_escaped(client, users, login):
    text = '<script>alert("x")</script><img src=x onerror=alert(1)> 路灯坏了 😡🔥'
    appeal, _ = intake.submit(users.operator, intake.AppealInput(text=text, title="<b>标题</b>"), "hotline")
    assert Appeal.objects.get(pk=appeal.pk).text == text  # nothing lost
    login("operator", username="op2")
    page = client.get(f"/appeals/{appeal.pk}/").content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;" in page and "😡🔥" in page
    assert "<b>标题</b>" not in page
    listing = client.get("/appeals/").content.decode()
    assert "<b>标题</b>" not in listing and "&lt;b&gt;" in listing
    fragment = client.post("/appeals/intake/suggest", {"title": "<i>x</i>", "text": text}).content.decode()
    assert "<script>alert" not in fragment


def test_operator_intake_page_and_suggestion(client, login, departments):
    login("operator")
    page = client.get("/appeals/intake/").content.decode()
    assert "autofocus" in page and 'hx-trigger="input changed delay:400ms"' in page and "ctrlKey" in page
    fragment = client.post("/appeals/intake/suggest", {"title": "", "text": "小区物业乱收费，物业服务太差了，太过分了"})
    html = fragment.content.decode()
    assert fragment.status_code == 200 and 'data-testid="rule-only"' in html
    assert "物业管理" in html and "住建局" in html
    assert client.post("/appeals/intake/suggest", {"text": "x" * 6000}).status_code == 200
    response = client.post("/appeals/intake/", {"text": "路灯不亮", "citizen_phone": "13900001111",
                                                "submission": "k1"})
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.channel == "hotline" and appeal.phone_digest


def test_suggestion_fragment_is_for_operators(client, login, departments):
    login("handler")
    assert client.post("/appeals/intake/suggest", {"text": "路灯"}).status_code == 403


def test_caller_history_by_phone(client, login, users):
    for text in ("路灯坏了", "噪声扰民"):
        intake.submit(users.operator, intake.AppealInput(text=text, citizen_phone="13900001111"), "hotline")
    intake.submit(users.operator, intake.AppealInput(text="别人的", citizen_phone="13900002222"), "hotline")
    rows = services.caller_history(users.operator, "139 0000 1111")
    assert [r["title"] for r in rows] == ["噪声扰民", "路灯坏了"]
    login("operator", username="op3")
    html = client.post("/appeals/intake/history", {"citizen_phone": "13900001111"}).content.decode()
    assert "路灯坏了" in html and "别人的" not in html


def test_intake_is_audited_without_the_phone(users):
    appeal, _ = intake.submit(users.operator, intake.AppealInput(text="x", citizen_phone="13812345678"), "hotline")
    event = AuditEvent.objects.get(action="appeal.received")
    assert event.object_id == appeal.tracking_code and event.pii_digest == appeal.phone_digest
    assert "13812345678" not in str(event.details)


def test_triage_failure_never_blocks_intake(users, monkeypatch):
    from zhongshu.appeals import triage

    class Broken:
        def predict(self, title, text):
            raise RuntimeError("model file damaged")

    monkeypatch.setattr(triage, "_load_model", lambda: Broken())
    appeal, created = intake.submit(users.operator, intake.AppealInput(text="小区噪声扰民"), "hotline")
    assert created and appeal.triage["suggestion"]["source"] == "rules"
