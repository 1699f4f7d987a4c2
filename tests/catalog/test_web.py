"""Pages, the upload wizard with its status fragment, the JSON API, and the CLI."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from zhongshu.catalog.models import Dataset, LoadAttempt


def test_upload_wizard_to_dataset_page(client, login, tmp_path, people_csv):
    login("steward", department="gaj")
    path = people_csv(tmp_path / "p.csv", encoding="gbk", extra_col=True)
    with open(path, "rb") as fh:
        r = client.post("/catalog/upload/", {"file": fh, "new_name": "常住人口户籍信息", "department": "gaj",
                                            "max_bad_fraction": "0.05"})
    assert r.status_code == 302
    attempt = LoadAttempt.objects.get()
    page = client.get(r["Location"]).content.decode()
    assert attempt.state == "draft" and "gb18030" in page
    r = client.post(f"/catalog/attempts/{attempt.pk}/start", {"format": "csv", "encoding": "", "max_bad_fraction": "0.05"})
    assert r.status_code == 302
    status = client.get(f"/catalog/attempts/{attempt.pk}/status").content.decode()
    assert 'data-state="succeeded"' in status and "hx-get" not in status  # finished: polling stops
    ds = Dataset.objects.get()
    page = client.get(f"/catalog/datasets/{ds.pk}/").content.decode()
    assert "常住人口户籍信息" in page and "371122********" in page and "山东省日照市莒县城阳街道****" in page
    assert "resident_id" in page
    assert "莒县城阳街道前李家庄村" not in page  # the preview never shows raw addresses
    found = client.get("/catalog/", {"q": "户籍"}).content.decode()
    assert "常住人口户籍信息" in found


def test_running_status_polls(client, login, make_user):
    user = login("analyst")
    owner = make_user("steward", username="o", department="gaj")
    from zhongshu.catalog import services

    ds = services.create_dataset(owner, name="x", department_code="gaj")
    a = LoadAttempt.objects.create(dataset=ds, state="running", step="parse", progress=0.4)
    html = client.get(f"/catalog/attempts/{a.pk}/status").content.decode()
    assert "hx-get" in html and 'every 1s' in html and "<progress" in html
    assert user.role == "analyst"


def test_upload_error_is_clear(client, login, tmp_path):
    login("steward", department="gaj")
    (tmp_path / "empty.csv").write_bytes(b"")
    with open(tmp_path / "empty.csv", "rb") as fh:
        r = client.post("/catalog/upload/", {"file": fh, "new_name": "空表", "department": "gaj"}, follow=True)
    assert "empty" in r.content.decode()
    # the refused file leaves nothing behind: no attempt, and no empty dataset named 空表
    assert not LoadAttempt.objects.exists() and not Dataset.objects.filter(name="空表").exists()


def test_pages_render_for_readers(client, login):
    login("leader")
    for url in ("/catalog/", "/catalog/sources/", "/catalog/quality/incidents/"):
        assert client.get(url).status_code == 200, url
    assert client.get("/catalog/upload/").status_code == 403  # leaders do not load data


def test_api_end_to_end(client, login, tmp_path, people_csv):
    login("steward", department="gaj")
    r = client.post("/api/catalog/datasets", {"name": "常住人口户籍信息", "department": "gaj", "category": "人口"},
                    content_type="application/json")
    assert r.status_code == 201, r.content
    code = r.json()["code"]
    with open(people_csv(tmp_path / "p.csv"), "rb") as fh:
        r = client.post(f"/api/catalog/datasets/{code}/uploads", {"file": fh})
    assert r.status_code == 201, r.content
    assert r.json()["state"] == "succeeded" and r.json()["version"] == 1
    assert client.get("/api/catalog/datasets", {"q": "户籍"}).json()[0]["code"] == code
    fields = {f["name"]: f for f in client.get(f"/api/catalog/datasets/{code}/fields").json()}
    assert fields["身份证号"]["label"] == "resident_id"
    r = client.patch(f"/api/catalog/datasets/{code}/fields/身份证号", {"is_key": True, "label": "resident_id"},
                     content_type="application/json")
    assert r.json()["label_status"] == "confirmed"
    preview = client.get(f"/api/catalog/datasets/{code}/preview").json()
    assert "*" in preview["rows"][0][0]
    q = client.get(f"/api/catalog/datasets/{code}/quality").json()
    assert q["score"] == 100.0 and {r["kind"] for r in q["rules"]} >= {"check_digit", "required", "unique"}
    r = client.patch(f"/api/catalog/datasets/{code}", {"sharing_type": "bogus"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["field"] == "sharing_type"
    assert client.get(f"/api/catalog/datasets/{code}/versions").json()[0]["current"] is True
    assert client.get(f"/api/catalog/datasets/{code}/lineage").json()[0]["relation"] == "loaded_into"


def test_api_cross_department_edit_forbidden(client, login, make_user):
    from zhongshu.catalog import services

    ds = services.create_dataset(make_user("steward", username="o", department="gaj"), name="户籍", department_code="gaj")
    login("steward", username="m", department="mzj")
    r = client.patch(f"/api/catalog/datasets/{ds.code}", {"description": "x"}, content_type="application/json")
    assert r.status_code == 403 and "another department" in r.json()["message"]


def test_database_source_sqlite_and_down(client, login, tmp_path, allow_folder):
    import sqlite3

    db = tmp_path / "huji.sqlite"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE persons (id TEXT, name TEXT, age INTEGER)")
    con.executemany("INSERT INTO persons VALUES (?, ?, ?)", [(str(i), f"张{i}", 20 + i) for i in range(12)])
    con.commit()
    con.close()
    login("steward", department="gaj")
    allow_folder(tmp_path)
    r = client.post("/api/catalog/sources", {"name": "户籍库", "department": "gaj", "url": f"sqlite:///{db}",
                                             "tables": {"persons": "人口"}, "refresh_minutes": 60},
                    content_type="application/json")
    assert r.status_code == 201, r.content
    src = r.json()
    attempts = client.post(f"/api/catalog/sources/{src['id']}/refresh").json()
    assert attempts[0]["state"] == "succeeded" and attempts[0]["rows_loaded"] == 12
    r = client.post("/api/catalog/sources", {"name": "pg", "department": "gaj",
                                             "url": "postgresql://gaj:TopSecret@127.0.0.1:1/huji",
                                             "tables": {"persons": "人口2"}}, content_type="application/json")
    assert r.status_code == 400
    body = r.json()  # not on the allow-list: refused before any connection, without the password
    assert "白名单" in body["message"] and "TopSecret" not in r.content.decode()


def _one_row_db(path):
    import sqlite3

    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (a TEXT)")
    con.execute("INSERT INTO t VALUES ('x')")
    con.commit()
    con.close()
    return path


def test_refresh_due_runs_scheduled_sources(steward, tmp_path, allow_folder):
    from datetime import timedelta

    from django.utils import timezone

    from zhongshu.catalog import sources

    db = _one_row_db(tmp_path / "s.sqlite")
    allow_folder(tmp_path)
    src = sources.create_database_source(steward, name="s", department_code="gaj", url=f"sqlite:///{db}",
                                         tables={"t": "T"}, refresh_minutes=60)
    assert sources.refresh_due() == []  # not due yet
    assert len(sources.refresh_due(timezone.now() + timedelta(minutes=61))) == 1
    src.refresh_from_db()
    assert src.next_refresh_at > timezone.now() + timedelta(minutes=50)


def test_cli_call_command(departments, tmp_path, people_csv, capsys):
    call_command("ingest", str(people_csv(tmp_path / "p.csv", n=200, bad_lines=(4,))), dataset="人口", department="gaj",
                 no_progress=True)
    out = capsys.readouterr().out
    assert "v1: 199 rows loaded, 1 rejected" in out and "rejects report" in out
    with pytest.raises(CommandError, match="does not exist"):
        call_command("ingest", str(tmp_path / "missing.csv"), dataset="人口", no_progress=True)
    with pytest.raises(CommandError, match="--department"):
        call_command("ingest", str(tmp_path / "p.csv"), dataset="新数据集", no_progress=True)


@pytest.mark.slow
def test_cli_subprocess(tmp_path, people_csv):
    data, db = tmp_path / "cli-data", tmp_path / "cli.sqlite3"
    data.mkdir()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "ZHONGSHU_DATA_DIR": str(data)}
    run = lambda *a: subprocess.run([sys.executable, "-m", "zhongshu", *a], env=env, capture_output=True, text=True, timeout=120)  # noqa: E731
    assert run("migrate", "--noinput").returncode == 0
    assert run("departments", "--sync").returncode == 0
    ok = run("ingest", str(people_csv(tmp_path / "p.csv", encoding="gbk")), "--dataset", "人口", "--department", "gaj")
    assert ok.returncode == 0, ok.stderr
    assert "v1: 50 rows loaded" in ok.stdout and "encoding gb18030" in ok.stdout and "100.0%" in ok.stderr
    bad = run("ingest", str(people_csv(tmp_path / "q.csv", encoding="gbk")), "--dataset", "人口", "--encoding", "utf-8")
    assert bad.returncode == 2
    # the message comes from the ingest library (what and where, then how to fix)
    assert "not valid UTF-8 at line 1" in bad.stderr and "try --encoding gb18030" in bad.stderr and "Traceback" not in bad.stderr
    assert "line" in bad.stderr


def test_ensure_scheduled_enqueues_one_self_renewing_refresh(settings, steward, tmp_path, allow_folder):
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from zhongshu.catalog import sources, tasks

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    waiting = DBTaskResult.objects.filter(task_path=tasks.refresh_due_sources.module_path, status="READY")
    assert tasks.ensure_scheduled() is True and waiting.count() == 1
    assert tasks.ensure_scheduled() is False and waiting.count() == 1  # `zhongshu serve` twice: still one
    # what the worker does with it: run the check, which enqueues the next one INTERVAL later
    db = _one_row_db(tmp_path / "s.sqlite")
    allow_folder(tmp_path)
    src = sources.create_database_source(steward, name="s", department_code="gaj", url=f"sqlite:///{db}",
                                         tables={"t": "T"}, refresh_minutes=60)
    type(src).objects.filter(pk=src.pk).update(next_refresh_at=timezone.now() - timedelta(minutes=1))
    waiting.delete()
    assert tasks.refresh_due_sources.call(True) == 1
    nxt = waiting.get()
    assert nxt.run_after > timezone.now() + tasks.INTERVAL - timedelta(minutes=1)
    assert DBTaskResult.objects.filter(task_path=tasks.run_attempt.module_path, status="READY").count() == 1
