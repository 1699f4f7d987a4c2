"""The auditor's page: typed filters, labels and local time, CSV export with formula escaping,
verify and checkpoint buttons, and who may open it."""

import csv
import io
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from zhongshu.accounts.models import Department
from zhongshu.audit import checkpoints
from zhongshu.audit.models import AuditEvent, AuditHead
from zhongshu.audit.services import Event, record


@pytest.fixture
def events(db):
    record("alice", Event("catalog.dataset.updated", "dataset", "1"))
    record("bob", Event("login.failure", "user", "bob", "failure", "wrong username or password"))
    record("=cmd|' /C calc'!A0", Event("login.failure", "user", "x", "failure", "+evil"))


@pytest.mark.parametrize("role", ["sysadmin", "secadmin", "steward", "analyst", "operator", "handler", "leader"])
def test_only_the_auditor_reads_audit_records(client, login, events, role):
    login(role)
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.csv").status_code == 403
    assert client.get("/api/audit/events").status_code == 403


def table(page) -> str:
    return page.content.decode().split('data-testid="audit-table"')[1]


def test_filters(client, login, events):
    login("auditor")
    page = client.get("/audit/", {"actor": "bob"}).content.decode()
    assert "bob" in page and "dataset.updated" not in page.split("audit-table")[1]
    page = client.get("/audit/", {"outcome": "failure", "action": "login."}).content.decode()
    table = page.split("audit-table")[1]
    assert "wrong username" in table and "dataset.updated" not in table


def test_bad_date_filter_says_how_to_fix(client, login, events):
    login("auditor")
    page = client.get("/audit/", {"since": "yesterday"}).content.decode()
    assert "YYYY-MM-DD" in page


def test_csv_export_escapes_formulas_and_is_audited(client, login, events):
    login("auditor")
    response = client.get("/audit/export.csv", {"action": "login.failure"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert {r["actor"] for r in rows} >= {"bob", "'=cmd|' /C calc'!A0"}
    assert any(r["reason"] == "'+evil" for r in rows)
    client.get("/audit/")  # the export is itself in the log
    api_rows = client.get("/api/audit/events", {"action": "audit.exported"}).json()
    assert api_rows and api_rows[0]["actor"] == "auditor_user"


def test_verify_from_the_page(client, login, events):
    login("auditor")
    page = client.get("/audit/verify").content.decode()
    assert "verify-result" in page and "OK" in page
    assert AuditEvent.objects.filter(action="audit.verified", actor="auditor_user").exists()


def test_the_page_speaks_labels_names_and_beijing_time(client, login, departments):
    user = login("analyst")  # department dsj: 大数据局
    record(user, Event("catalog.dataset.updated", "dataset", "1"))
    record("carol", Event("logout"))
    login("auditor")
    rows = table(client.get("/audit/", {"actor": user.username}))
    assert "数据集已修改" in rows and ">catalog.dataset.updated<" not in rows  # the label, not the code
    assert "数据分析员" in rows and ">analyst<" not in rows  # the role's Chinese name
    dept = Department.objects.get(code="dsj")
    assert dept.name in rows and ">dsj<" not in rows
    event = AuditEvent.objects.filter(actor=user.username).latest("seq")
    beijing = timezone.localtime(event.at, ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M:%S")
    assert beijing in rows
    assert "时间（北京时间）" in client.get("/audit/").content.decode()


def test_filter_by_typed_event_and_reads_of_personal_data(client, login, events):
    record("dora", Event("appeal.read", "appeal", "7", details={"rows": 1}))
    login("auditor")
    page = client.get("/audit/").content.decode()
    filters = page.split('data-testid="audit-action-filter"')[1].split("</select>")[0]
    assert '<option value="login.failure">登录失败</option>' in filters  # every registered event, by label
    rows = table(client.get("/audit/", {"action": "login.failure"}))
    assert "bob" in rows and "alice" not in rows
    rows = table(client.get("/audit/", {"personal": "1"}))
    assert "dora" in rows and "bob" not in rows and "alice" not in rows
    assert [r["actor"] for r in client.get("/api/audit/events", {"personal": True}).json()] == ["dora"]


def test_checkpoint_button_writes_an_audited_signed_checkpoint(client, login, events):
    login("auditor")
    assert "尚未导出" in client.get("/audit/").content.decode()  # no checkpoint yet
    assert client.get("/audit/checkpoint").status_code == 405  # it writes: POST only
    head = AuditHead.objects.get().seq
    result = client.post("/audit/checkpoint").content.decode()
    assert "checkpoint-result" in result and f"第 {head} 条记录的签名检查点" in result
    written = AuditEvent.objects.get(action="audit.checkpoint")
    assert written.actor == "auditor_user" and written.details["seq"] == head == checkpoints.latest().seq
    page = client.get("/audit/").content.decode().split('data-testid="audit-latest-checkpoint"')[1]
    when = timezone.localtime(checkpoints.latest().when()).strftime("%Y-%m-%d %H:%M:%S")
    assert f"第 {head} 条记录，{when}" in page  # shown in Beijing time
    verified = client.get("/audit/verify").content.decode()
    assert f"与第 {head} 条记录的签名检查点一致" in verified  # the verification checked it


@pytest.mark.parametrize("role", ["sysadmin", "secadmin", "steward"])
def test_only_the_auditor_writes_checkpoints(client, login, events, role):
    login(role)
    assert client.post("/audit/checkpoint").status_code == 403
    assert not checkpoints.folder().exists()
