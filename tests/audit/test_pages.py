"""The auditor's page: filters, CSV export with formula escaping, and who may open it."""

import csv
import io

import pytest

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
