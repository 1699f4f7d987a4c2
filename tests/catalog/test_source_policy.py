"""The database-source allow-list (issue #7 item 1): a steward cannot load the hub's own database or
files, cannot probe the network, and gets clean 400s; only the security administrator keeps the list.

Network tests use servers on 127.0.0.1 only (tests/loopback_server.py), each bounded by a timeout.
"""

from __future__ import annotations

import os
import sqlite3
import time
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.utils import translation

from loopback_server import LoopbackServer, closed_port
from zhongshu.accounts.system import SYSTEM
from zhongshu.audit.models import AuditEvent
from zhongshu.catalog import demo, ingestion, source_policy, sources
from zhongshu.catalog.models import LoadAttempt, Source, SourceRule
from zhongshu.core.errors import ConfigError, Forbidden, InvalidInput

REFUSED_ZH = "该数据库不在数据库来源白名单中"
FAST = 0.5  # seconds: a refusal connects to nothing, so it is far below any network timeout


def sqlite_db(path, table="t", rows=3):
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path)
    con.execute(f"CREATE TABLE {table} (username TEXT, password TEXT)")
    con.executemany(f"INSERT INTO {table} VALUES (?, ?)", [(f"u{i}", f"argon2$hash{i}") for i in range(rows)])
    con.commit()
    con.close()
    return path


def refused(actor, url):
    """Assert that `url` is refused with the one message, quickly; return the elapsed seconds."""
    started = time.monotonic()
    with translation.override("zh-hans"), pytest.raises(source_policy.SourceRefused) as info:
        sources.list_tables(actor, url)
    elapsed = time.monotonic() - started
    assert info.value.message == f"url: {REFUSED_ZH}" and elapsed < FAST, (url, info.value.message, elapsed)
    return elapsed


@pytest.fixture
def secadmin(make_user):
    return make_user("secadmin", username="security")


@pytest.fixture
def hub_sqlite(settings):
    """A real app database file in the data dir, as a production install has (tests run in memory)."""
    data = settings.ZHONGSHU_DATA_DIR
    hub = sqlite_db(data / "zhongshu.sqlite3", "accounts_user")
    sqlite_db(data / "zhongshu.sqlite3-wal", "x")  # stand-ins: what matters is that no rule admits them
    settings.APP_DATABASE_URL = f"sqlite:///{hub}"
    (data / "secret_key").write_text("not-a-db")
    return hub


# --- default deny, one message, no oracle ---------------------------------------------------------------

def test_nothing_is_allowed_by_default_and_every_refusal_looks_the_same(steward, tmp_path):
    existing = sqlite_db(tmp_path / "elsewhere" / "huji.sqlite")
    with LoopbackServer() as listening:
        urls = [f"sqlite:///{existing}", f"sqlite:///{tmp_path}/elsewhere/missing.sqlite", f"sqlite:///{tmp_path}",
                f"postgresql://u:pw@127.0.0.1:{listening.port}/x", f"postgresql://u:pw@127.0.0.1:{closed_port()}/x",
                f"mysql://root@127.0.0.1:{listening.port}/x", f"mysql://root@localhost:{listening.port}/x",
                "postgresql://u@db.internal.example:5432/x"]
        for url in urls:
            refused(steward, url)
        assert listening.accepted == 0  # nothing was even connected to
    logged = AuditEvent.objects.filter(action="catalog.source.refused")
    assert logged.count() == len(urls) and {e.outcome for e in logged} == {"denied"}
    assert {e.details["rule"] for e in logged} == {"not-listed"} and all("pw" not in e.details["url"] for e in logged)


def test_an_unlisted_open_port_and_an_unlisted_closed_port_cannot_be_told_apart(steward, secadmin):
    source_policy.allow_server(secadmin, host="127.0.0.1", ports="1-1023", db_kinds=["postgresql"])
    with LoopbackServer("silent") as open_port:
        times = [refused(steward, f"postgresql://u@127.0.0.1:{port}/x")
                 for port in (open_port.port, closed_port(), open_port.port, closed_port())]
        assert open_port.accepted == 0
    assert max(times) < FAST  # no connection attempt either way, so no timing difference to measure


def test_a_listed_but_closed_port_fails_quickly_with_a_clear_error(steward, secadmin):
    port = closed_port()
    source_policy.allow_server(secadmin, host="127.0.0.1", ports=str(port), db_kinds=["postgresql", "mysql"])
    for url in (f"postgresql://u:Pw-1@127.0.0.1:{port}/x", f"mysql://root:Pw-1@127.0.0.1:{port}/x"):
        started = time.monotonic()
        with translation.override("zh-hans"), pytest.raises(InvalidInput) as info:
            sources.list_tables(steward, url)
        assert time.monotonic() - started < 1
        assert info.value.message == f"url: 无法连接 127.0.0.1:{port}" and "Pw-1" not in str(info.value)


# --- the hub's own files ----------------------------------------------------------------------------------

def test_the_hub_database_is_refused_even_inside_a_listed_folder(settings, steward, secadmin, hub_sqlite, tmp_path):
    data = settings.ZHONGSHU_DATA_DIR
    exchange = tmp_path / "exchange"
    legit = sqlite_db(exchange / "huji.sqlite", "persons")
    source_policy.allow_folder(secadmin, folder=str(data))  # even the whole data folder
    source_policy.allow_folder(secadmin, folder=str(exchange))
    os.symlink(hub_sqlite, exchange / "innocent.sqlite")
    os.link(hub_sqlite, exchange / "hardlink.sqlite")
    (data / "warehouse" / "1").mkdir(parents=True)
    sqlite_db(data / "warehouse" / "1" / "copy.sqlite")
    (data / "keys").mkdir(exist_ok=True)
    sqlite_db(data / "keys" / "x.sqlite")
    from zhongshu.catalog import crypto

    crypto.encrypt("create the catalog key")
    encoded = "".join(f"%{b:02X}" for b in str(hub_sqlite).encode())
    for url in (f"sqlite:///{hub_sqlite}", f"sqlite:////{hub_sqlite}", f"sqlite:///{exchange}/innocent.sqlite",
                f"sqlite:///{exchange}/hardlink.sqlite", f"sqlite:///{exchange}/../data/zhongshu.sqlite3",
                f"sqlite:///{exchange}/..%2Fdata%2Fzhongshu.sqlite3", f"sqlite:///{encoded}",
                f"sqlite:///{hub_sqlite}-wal", f"sqlite:///{hub_sqlite}-shm", f"sqlite:///{data}/secret_key",
                f"sqlite:///{data}/catalog.key", f"sqlite:///{data}/warehouse/1/copy.sqlite", f"sqlite:///{data}/keys/x.sqlite"):
        refused(steward, url)
    assert sources.list_tables(steward, f"sqlite:///{legit}") == ["persons"]
    rules = set(AuditEvent.objects.filter(action="catalog.source.refused").values_list("details__rule", flat=True))
    assert rules == {"hub-files"}


def test_the_reported_attack_through_the_api_is_a_400(client, login, settings, secadmin, hub_sqlite):
    """The finding: POST /api/catalog/sources with the hub's own database and accounts_user."""
    source_policy.allow_folder(secadmin, folder=str(settings.ZHONGSHU_DATA_DIR))
    login("steward", department="gaj")
    for url in (f"sqlite:///{hub_sqlite}", f"sqlite:///{quote(str(hub_sqlite))}"):
        r = client.post("/api/catalog/sources", {"name": "hub", "department": "gaj", "url": url,
                                                 "tables": {"accounts_user": "用户"}}, content_type="application/json")
        assert r.status_code == 400 and r.json()["message"] == f"url: {REFUSED_ZH}", r.content
    assert not Source.objects.exists()


def test_the_demo_folder_must_not_hold_the_hub_database(db, settings):
    folder = settings.ZHONGSHU_DATA_DIR / "demo"
    folder.mkdir()
    settings.APP_DATABASE_URL = f"sqlite:///{folder / 'hub.sqlite3'}"
    with pytest.raises(ConfigError, match="demo folder"):
        demo.allow_demo_folder(folder, lambda _msg: None)
    assert not SourceRule.objects.exists()
    settings.APP_DATABASE_URL = f"sqlite:///{settings.ZHONGSHU_DATA_DIR / 'zhongshu.sqlite3'}"
    said = []
    demo.allow_demo_folder(folder, said.append)
    demo.allow_demo_folder(folder, said.append)  # a second demo setup adds nothing
    rule = SourceRule.objects.get()
    assert rule.target == str(folder) and len(said) == 1
    assert AuditEvent.objects.filter(action="catalog.source_rule.added", actor="system").count() == 1


# --- the hub's own server and loopback ----------------------------------------------------------------------

def test_the_hub_postgres_database_is_refused_without_connecting(settings, steward, secadmin):
    with LoopbackServer("http") as hub_server:
        # the hub's own database, as DATABASE_URL names it (CI: postgresql://postgres@127.0.0.1:5432/test)
        settings.APP_DATABASE_URL = f"postgresql://postgres@127.0.0.1:{hub_server.port}/test"
        source_policy.allow_server(secadmin, host="127.0.0.1", ports=str(hub_server.port), db_kinds=["postgresql"])
        source_policy.allow_server(secadmin, host="localhost", ports=str(hub_server.port), db_kinds=["postgresql"])
        for url in (f"postgresql://postgres@127.0.0.1:{hub_server.port}/test",
                    f"postgresql://postgres@localhost:{hub_server.port}/TEST",
                    f"postgresql://postgres@[::ffff:127.0.0.1]:{hub_server.port}/test"):
            refused(steward, url)
        assert hub_server.accepted == 0
        # another database on the hub's server, admitted by the rule naming its address alone: connects
        with pytest.raises(InvalidInput, match="PostgreSQL"):
            sources.list_tables(steward, f"postgresql://postgres@127.0.0.1:{hub_server.port}/other?sslmode=disable")
        assert hub_server.accepted == 1
    # and the very URL of CI's PostgreSQL run: refused whether or not a server listens on 5432
    settings.APP_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/test"
    source_policy.allow_server(secadmin, host="127.0.0.1", ports="5432", db_kinds=["postgresql"])
    refused(steward, "postgresql://postgres@127.0.0.1:5432/test")
    rules = list(AuditEvent.objects.filter(action="catalog.source.refused").values_list("details__rule", flat=True))
    assert rules == ["hub-database"] * 4


def test_loopback_needs_a_rule_inside_the_loopback_range(steward, secadmin):
    with LoopbackServer("http") as server:
        url = f"postgresql://u@127.0.0.1:{server.port}/x?sslmode=disable"
        for host in ("0.0.0.0/0", "10.0.0.0/8", "localhost"):
            source_policy.allow_server(secadmin, host=host, ports=str(server.port), db_kinds=["postgresql"])
        refused(steward, url)  # a catch-all range does not admit loopback
        refused(steward, f"postgresql://u@localhost:{server.port}/x")  # a listed name resolving to loopback neither
        refused(steward, f"postgresql://u@0.0.0.0:{server.port}/x")  # "this host": never
        assert server.accepted == 0
        # (a rule for the address alone: on CI the hub's PostgreSQL runs on loopback, whose other ports
        # only a single-address rule admits)
        source_policy.allow_server(secadmin, host="127.0.0.1", ports=str(server.port), db_kinds=["postgresql"])
        with pytest.raises(InvalidInput, match="PostgreSQL"):
            sources.list_tables(steward, url)
        assert server.accepted == 1
    reasons = set(AuditEvent.objects.filter(action="catalog.source.refused").values_list("details__rule", flat=True))
    assert reasons in ({"loopback", "special-address"}, {"hub-server", "special-address"})


def test_kind_and_port_must_match(steward, secadmin):
    with LoopbackServer() as server:
        source_policy.allow_server(secadmin, host="127.0.0.1", ports=str(server.port), db_kinds=["mysql"])
        refused(steward, f"postgresql://u@127.0.0.1:{server.port}/x")
        refused(steward, f"mysql://u@127.0.0.1:{server.port + 1}/x")
        assert server.accepted == 0


# --- timeouts and clean errors ------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["silent", "http"])
def test_a_mysql_url_at_an_http_port_fails_within_the_connect_timeout(client, login, settings, secadmin, mode):
    settings.ZHONGSHU_SOURCE_CONNECT_TIMEOUT = 1
    login("steward", department="gaj")
    with LoopbackServer(mode) as server:
        source_policy.allow_server(secadmin, host="127.0.0.1", ports=str(server.port), db_kinds=["mysql"])
        started = time.monotonic()
        r = client.post("/api/catalog/sources", {"name": "x", "department": "gaj",
                                                 "url": f"mysql://root:Pw-Secret@127.0.0.1:{server.port}/x",
                                                 "tables": {"t": "t"}}, content_type="application/json")
        elapsed = time.monotonic() - started
    assert r.status_code == 400 and elapsed < 2.5, (r.status_code, elapsed)
    assert r.json()["message"] == f"url: 127.0.0.1:{server.port} 未在 1 秒内应答" and "Pw-Secret" not in r.content.decode()


def test_listed_folder_non_sqlite_and_missing_files_are_clean_400s(client, login, secadmin, tmp_path):
    folder = tmp_path / "exchange"
    sqlite_db(folder / "ok.sqlite", "persons")
    (folder / "notes.sqlite").write_text("名单\n张三,13800000000\n", encoding="utf-8")
    source_policy.allow_folder(secadmin, folder=str(folder))
    login("steward", department="gaj")
    body = {"name": "x", "department": "gaj", "tables": {"persons": "人口"}}
    r = client.post("/api/catalog/sources/tables", {"url": f"sqlite:///{folder}/notes.sqlite"},
                    content_type="application/json")
    assert r.status_code == 400 and r.json()["message"] == "url: notes.sqlite 不是 SQLite 数据库"
    r = client.post("/api/catalog/sources", {**body, "url": f"sqlite:///{folder}/notes.sqlite"},
                    content_type="application/json")
    assert r.status_code == 400 and "不是 SQLite 数据库" in r.json()["message"] and "张三" not in r.content.decode()
    r = client.post("/api/catalog/sources", {**body, "url": f"sqlite:///{folder}/gone.sqlite"},
                    content_type="application/json")
    assert r.status_code == 400 and r.json()["message"] == "url: SQLite 数据库 gone.sqlite 不存在"
    r = client.post("/api/catalog/sources/tables", {"url": f"sqlite:///{folder}/ok.sqlite"}, content_type="application/json")
    assert r.status_code == 200 and r.json() == {"tables": ["persons"]}
    r = client.post("/api/catalog/sources", {**body, "url": f"sqlite:///{folder}/ok.sqlite"}, content_type="application/json")
    assert r.status_code == 201, r.content
    r = client.post("/api/catalog/sources/tables", {"url": f"sqlite:///{tmp_path}/other/x.sqlite"},
                    content_type="application/json")
    assert r.status_code == 400 and r.json()["message"] == f"url: {REFUSED_ZH}"


def test_the_sources_page_answers_400_with_the_chinese_message(client, login, secadmin, tmp_path):
    (tmp_path / "notes.sqlite").write_text("not a database")
    source_policy.allow_folder(secadmin, folder=str(tmp_path))
    login("steward", department="gaj")
    form = {"name": "户籍库", "department": "gaj", "tables": "persons=人口", "refresh_minutes": "60"}
    r = client.post("/catalog/sources/new", {**form, "url": f"sqlite:///{tmp_path}/notes.sqlite"})
    page = r.content.decode()
    assert r.status_code == 400 and "notes.sqlite 不是 SQLite 数据库" in page and "户籍库" in page
    r = client.post("/catalog/sources/new", {**form, "url": "postgresql://u:Pw-Secret@127.0.0.1:1/x"})
    page = r.content.decode()
    assert r.status_code == 400 and REFUSED_ZH in page and "Pw-Secret" not in page
    r = client.post("/catalog/sources/new", {**form, "url": f"sqlite:///{tmp_path}/x.sqlite", "refresh_minutes": "daily"})
    assert r.status_code == 400
    assert not Source.objects.exists()


# --- sources registered before their rule went away ---------------------------------------------------------

def test_a_source_no_longer_allowed_fails_cleanly_at_refresh_and_extract(client, login, secadmin, tmp_path):
    db = sqlite_db(tmp_path / "huji.sqlite", "persons")
    rule, _ = source_policy.allow_folder(secadmin, folder=str(tmp_path))
    steward = login("steward", department="gaj")
    source = sources.create_database_source(steward, name="户籍库", department_code="gaj", url=f"sqlite:///{db}",
                                            tables={"persons": "人口"}, refresh_minutes=60)
    queued = ingestion.new_attempt(steward, source.bindings.get().dataset, via="database",
                                   binding=source.bindings.get(), file_name="persons")
    source_policy.remove_rule(secadmin, rule.pk)
    # by hand: refused before any load is queued, audited with the source
    r = client.post(f"/api/catalog/sources/{source.pk}/refresh")
    assert r.status_code == 400 and r.json()["message"] == f"url: {REFUSED_ZH}"
    # a load queued while it was still allowed: the extract checks again and the load fails cleanly
    failed = ingestion.start(steward, queued, inline=True)
    assert failed.state == LoadAttempt.State.FAILED and REFUSED_ZH in failed.error
    # on schedule: refused, audited, the schedule moves on and the other sources still run
    Source.objects.filter(pk=source.pk).update(next_refresh_at=source.created_at)
    assert sources.refresh_due() == []
    source.refresh_from_db()
    assert source.next_refresh_at > source.created_at
    logged = AuditEvent.objects.filter(action="catalog.source.refused", object_id=str(source.pk))
    assert logged.count() == 3 and {e.details["source"] for e in logged} == {"户籍库"}
    assert set(logged.values_list("actor", flat=True)) == {steward.username, "system"}


# --- who keeps the list -------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["steward", "sysadmin", "auditor", "analyst", "leader", "operator", "handler"])
def test_only_the_security_administrator_keeps_the_list(client, login, make_user, role):
    user = login(role)
    assert client.get("/catalog/sources/allow-list/").status_code == 403
    r = client.post("/catalog/sources/allow-list/", {"op": "folder", "folder": "/srv/exchange"})
    assert r.status_code == 403 and not SourceRule.objects.exists()
    with pytest.raises(Forbidden):
        source_policy.allow_folder(user, folder="/srv/exchange")
    assert "/catalog/sources/allow-list/" not in client.get("/").content.decode()


def test_the_security_administrator_page_lists_adds_and_removes(client, login):
    login("secadmin")
    assert "/catalog/sources/allow-list/" in client.get("/").content.decode()  # in the navigation
    page = client.get("/catalog/sources/allow-list/").content.decode()
    assert "数据库来源白名单" in page and "不能使用任何数据库来源" in page
    r = client.post("/catalog/sources/allow-list/", {"op": "server", "host": "10.1.2.0/24", "ports": "5432-5433",
                                                     "db_kinds": ["postgresql"], "note": "公安局"})
    assert r.status_code == 302
    r = client.post("/catalog/sources/allow-list/", {"op": "folder", "folder": "/srv/exchange/gaj/"})
    assert r.status_code == 302
    page = client.get("/catalog/sources/allow-list/").content.decode()
    assert "10.1.2.0/24" in page and "5432–5433" in page and "/srv/exchange/gaj" in page
    for bad, message in (({"op": "server", "host": "10.1.2.0/24", "ports": "0", "db_kinds": ["mysql"]}, "端口范围"),
                         ({"op": "server", "host": "db gaj", "ports": "5432", "db_kinds": ["mysql"]}, "不是主机名"),
                         ({"op": "server", "host": "10.0.0.1", "ports": "5432"}, "请选择数据库类型"),
                         ({"op": "folder", "folder": "relative/path"}, "绝对路径"),
                         ({"op": "folder", "folder": "/"}, "根目录"),
                         ({"op": "remove", "rule": "x"}, "not found")):
        r = client.post("/catalog/sources/allow-list/", bad)
        assert r.status_code in (400, 404) and message in r.content.decode(), (bad, r.status_code)
    folder = SourceRule.objects.get(kind="folder")
    assert client.post("/catalog/sources/allow-list/", {"op": "remove", "rule": folder.pk}).status_code == 302
    assert list(SourceRule.objects.values_list("target", flat=True)) == ["10.1.2.0/24"]
    events = list(AuditEvent.objects.filter(action__startswith="catalog.source_rule.").values_list("action", "actor"))
    assert events == [("catalog.source_rule.added", "secadmin_user")] * 2 + [("catalog.source_rule.removed", "secadmin_user")]


def test_rules_are_normalized_and_cannot_open_the_hubs_own_folders(secadmin, settings):
    rule, created = source_policy.allow_server(secadmin, host="DB.Gaj.Local.", ports="5432", db_kinds=["postgresql"])
    assert (rule.target, created) == ("db.gaj.local", True)
    assert source_policy.allow_server(secadmin, host="db.gaj.local", ports="5432", db_kinds=["postgresql"])[1] is False
    assert source_policy.allow_server(secadmin, host="10.1.2.9/24", ports="1-2", db_kinds=["mysql"])[0].target == "10.1.2.0/24"
    for folder in (settings.ZHONGSHU_DATA_DIR / "warehouse", settings.ZHONGSHU_DATA_DIR / "keys" / "sub"):
        with pytest.raises(InvalidInput, match="folder"):
            source_policy.allow_folder(secadmin, folder=str(folder))


def test_the_cli_keeps_the_list(capsys, departments, tmp_path):
    call_command("sources", "allow", "--host", "10.1.2.3", "--port", "3306", "--kind", "mysql,postgresql", "--note", "人社局")
    call_command("sources", "allow", "--host", "10.1.2.3", "--port", "3306", "--kind", "postgresql", "--kind", "mysql")
    call_command("sources", "allow", "--folder", str(tmp_path))
    out = capsys.readouterr().out
    assert "allowed: entry" in out and "already allowed" in out
    call_command("sources", "list")
    listed = capsys.readouterr().out
    assert "10.1.2.3  port 3306  mysql,postgresql  人社局" in listed and str(tmp_path) in listed
    call_command("sources", "deny", "--host", "10.1.2.3")
    call_command("sources", "deny", str(SourceRule.objects.get().pk))
    assert not SourceRule.objects.exists()
    call_command("sources", "list")
    assert "no entries" in capsys.readouterr().out
    assert set(AuditEvent.objects.filter(action__startswith="catalog.source_rule.").values_list("actor", flat=True)) == {"system"}
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="--folder"):
        call_command("sources", "allow", "--port", "5432")
    assert SYSTEM.is_system
