"""Staff read paths show appeal text scrubbed, reveal it only with the identity (audited), and audit every read.

Reproduces issue #7: "Appeal text shows typed phone and ID numbers raw in the API, detail page and
analytics drill-down" and "Reads of personal data are not audited: appeal lists and details,
caller-history lookups by phone".
"""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from zhongshu.appeals import intake, services
from zhongshu.audit.models import AuditEvent

ROLES = ("operator", "handler", "leader", "analyst")


@pytest.fixture
def appeal(users, planted):
    data = intake.AppealInput(text=planted.text, citizen_name="王建国", citizen_phone="13912345678",
                              identity_needed=True)
    made, _ = intake.submit(users.operator, data, "hotline")
    return services.transition(users.operator, made.pk, "dispatch", department="zjj")


def reads(action: str):
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def staff_paths(appeal) -> dict[str, str]:
    day = timezone.localdate(appeal.received_at).isoformat()
    return {
        "list page": "/appeals/",
        "detail page": f"/appeals/{appeal.pk}/",
        "api list": "/api/appeals/appeals",
        "api detail": f"/api/appeals/appeals/{appeal.pk}",
        "api timeline": f"/api/appeals/appeals/{appeal.pk}/events",
        "drill-down": f"/appeals/analytics/drill/?date_from={day}&date_to={day}",
        "weekly report": f"/appeals/analytics/data/report.json?date_from={day}&date_to={day}",
        "api report": f"/api/appeals/analytics/report?date_from={day}&date_to={day}",
    }


@pytest.mark.parametrize("role", ROLES)
def test_no_staff_path_shows_a_typed_phone_or_id(client, login, users, appeal, planted, role):
    login(role, username=f"{role}_reader")
    # a reply and a supervision note typed by staff go through the same scrubbing
    for name, path in staff_paths(appeal).items():
        response = client.get(path)
        assert response.status_code == 200, (name, response.status_code)
        body = response.content.decode()
        for value in planted.phone_and_id:
            assert value not in body, (role, name, value)
    detail = client.get(f"/appeals/{appeal.pk}/").content.decode()
    assert "【手机号】" in detail and "【身份证号】" in detail


def test_reveal_shows_the_raw_text_and_is_audited(client, login, appeal, planted):
    login("handler", username="h2", department="zjj")
    fragment = client.post(f"/appeals/{appeal.pk}/identity").content.decode()
    assert "13912345678" in fragment and "371122199001011238" in fragment and 'hx-swap-oob' in fragment
    event = AuditEvent.objects.get(action="appeal.identity_viewed", actor="h2")
    assert event.object_id == appeal.tracking_code
    api = client.post(f"/api/appeals/appeals/{appeal.pk}/identity").json()
    assert api["phone"] == "13912345678" and "371122199001011238" in api["text"]
    assert AuditEvent.objects.filter(action="appeal.identity_viewed", actor="h2").count() == 2


def test_reveal_needs_the_identity_right(client, login, users, planted):
    made, _ = intake.submit(users.operator, intake.AppealInput(text=planted.text), "hotline")
    services.transition(users.operator, made.pk, "dispatch", department="zjj")
    login("handler", username="h3", department="zjj")  # the case does not need the identity
    assert client.post(f"/appeals/{made.pk}/identity").status_code == 403
    assert client.post(f"/api/appeals/appeals/{made.pk}/identity").status_code == 403
    login("leader", username="l3")
    assert client.post(f"/api/appeals/appeals/{made.pk}/identity").status_code == 403
    assert not AuditEvent.objects.filter(action="appeal.identity_viewed").exists()


def test_operator_may_reveal_text_without_a_name_or_phone(users, planted):
    made, _ = intake.submit(users.operator, intake.AppealInput(text=planted.text), "hotline")
    shown = services.citizen_identity(users.operator, made)
    assert shown["may_reveal"]
    assert "13912345678" in services.citizen_identity(users.operator, made, reveal=True)["text"]


def test_each_read_writes_one_event_with_its_row_count(client, login, users, appeal, new_appeal):
    new_appeal("路灯坏了")  # a second appeal, not dispatched: the handler does not see it
    login("handler", username="h4", department="zjj")
    client.get("/appeals/")
    client.get("/api/appeals/appeals")
    client.get(f"/appeals/{appeal.pk}/")
    client.get(f"/api/appeals/appeals/{appeal.pk}")
    day = timezone.localdate(appeal.received_at).isoformat()
    client.get(f"/appeals/analytics/drill/?date_from={day}&date_to={day}")
    listed = [e for e in reads("appeal.list.read") if e.actor == "h4"]
    assert [e.details["rows"] for e in listed] == [1, 1]
    assert all(e.details["policy"] == "appeal-department" and e.details["masked"] for e in listed)
    assert [e.details["rows"] for e in reads("appeal.read") if e.actor == "h4"] == [1, 1]
    drill = [e for e in reads("appeal.analytics.read") if e.actor == "h4"]
    assert len(drill) == 1 and drill[0].details["rows"] == 1 and drill[0].details["filter"]["date_from"] == day
    login("operator", username="op4")
    client.get("/appeals/?state=open")
    listed = [e for e in reads("appeal.list.read") if e.actor == "op4"]
    assert len(listed) == 1 and listed[0].details["rows"] == 2 and listed[0].details["filter"] == {"state": "open"}
    assert listed[0].details["policy"] == "role-actions"


def test_caller_history_lookup_is_audited(client, login, appeal):
    login("operator", username="op5")
    page = client.post("/appeals/intake/history", {"citizen_phone": "139 1234 5678"}).content.decode()
    assert appeal.tracking_code in page and "13912345678" not in page
    client.post("/appeals/intake/history", {"citizen_phone": "1391"})  # still typing: no lookup, no record
    client.post("/api/appeals/caller-history", {"phone": "13700000000"}, content_type="application/json")
    events = [e for e in reads("appeal.caller_history.read") if e.actor == "op5"]
    assert [e.details["rows"] for e in events] == [1, 0]
    assert events[0].pii_digest == appeal.phone_digest and "139" not in json.dumps(events[0].details)


def test_training_export_is_scrubbed_and_audited(users, appeal, planted):
    out = io.StringIO()
    call_command("appeals", "training-export", stdout=out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(rows) == 1 and "【手机号】" in rows[0]["text"]
    for value in planted.phone_and_id:
        assert value not in out.getvalue()
    event = AuditEvent.objects.get(action="appeal.export.read")
    assert event.details["rows"] == 1 and event.actor == "system"
