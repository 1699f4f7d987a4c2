"""DatabaseSource against real SQLite, PostgreSQL and MariaDB (skipped when a server is down), strict
URL parsing, clean errors and timeouts against loopback servers that are not databases."""

from __future__ import annotations

import socket
import sqlite3
import time
import uuid
from urllib.parse import quote

import duckdb
import pytest
from django.utils import translation

from loopback_server import LoopbackServer, closed_port
from zhongshu.core.errors import InvalidInput
from zhongshu.ingest.dbsource import DatabaseSource, check_select, redact_url
from zhongshu.ingest.dbtarget import Endpoint, parse_url


def _up(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
MY_URL = "mysql://root@127.0.0.1:3306/test"


def _rows(path: str) -> list[tuple]:
    return duckdb.sql(f"SELECT * FROM read_parquet('{path}') ORDER BY 1").fetchall()


def test_sqlite_tables_columns_extract(tmp_path):
    db = tmp_path / "src.db"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE persons (id INTEGER, pid VARCHAR(18), name TEXT, born DATE)")
    con.executemany(
        "INSERT INTO persons VALUES (?, ?, ?, ?)",
        [(i, f"37112219900101{i:04d}", f"某{i}", "1990-01-01") for i in range(1234)],
    )
    con.commit()
    con.close()
    src = DatabaseSource(f"sqlite:///{db}")
    assert src.tables() == ["persons"]
    assert [(f.name, f.type) for f in src.columns("persons")] == [
        ("id", "integer"),
        ("pid", "string"),
        ("name", "string"),
        ("born", "date"),
    ]
    result = src.extract("persons", out_dir=tmp_path / "out", batch_size=100)
    assert result.rows == 1234 and _rows(result.files[0].path)[0] == (
        0,
        "371122199001010000",
        "某0",
        "1990-01-01",
    )
    q = src.extract(query="SELECT pid FROM persons WHERE id < 10", out_dir=tmp_path / "out2")
    assert q.rows == 10
    with pytest.raises(InvalidInput, match="not found"):
        src.extract("nope", out_dir=tmp_path / "out3")


@pytest.mark.parametrize(
    "query",
    [
        "DELETE FROM persons",
        "SELECT 1; DROP TABLE persons",
        "CREATE TABLE x AS SELECT 1",
        "SELECT * INTO y FROM persons",
        "SELEC broken",
    ],
)
def test_only_one_select(query):
    with pytest.raises(InvalidInput) as info:
        check_select(query, "postgres")
    assert info.value.field == "query" and info.value.hint


def test_redact_and_down_server_never_shows_password():
    assert redact_url("mysql://u:pw@h:1/d") == "mysql://u:***@h:1/d"
    src = DatabaseSource("postgresql://bob:s3cret@127.0.0.1:1/test")
    with pytest.raises(InvalidInput) as info:
        src.tables()
    assert (
        "127.0.0.1:1" in info.value.message and "s3cret" not in str(info.value) and "s3cret" not in repr(src)
    )


@pytest.mark.skipif(not _up(5432), reason="PostgreSQL is not reachable on 127.0.0.1:5432")
def test_postgres_streams(tmp_path):
    import psycopg

    table = f"t_{uuid.uuid4().hex[:8]}"
    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test", autocommit=True) as con:
        con.execute(f"CREATE TABLE {table} (id int, pid varchar(18), amount numeric(12,2), at timestamp)")
        con.execute(
            f"INSERT INTO {table} SELECT g, lpad(g::text, 18, '0'), g / 100.0, '2024-01-01'::timestamp FROM generate_series(1, 3000) g"
        )
    try:
        src = DatabaseSource(PG_URL)
        assert table in src.tables()
        assert [f.type for f in src.columns(table)] == ["integer", "string", "decimal", "timestamp"]
        result = src.extract(table, out_dir=tmp_path / "out", batch_size=500)
        assert result.rows == 3000
        first = _rows(result.files[0].path)[0]
        assert first[1] == "000000000000000001" and str(first[2]) == "0.01"
        assert src.extract(query=f"SELECT id FROM {table} WHERE id <= 7", out_dir=tmp_path / "o2").rows == 7
    finally:
        with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test", autocommit=True) as con:
            con.execute(f"DROP TABLE {table}")


@pytest.mark.skipif(not _up(3306), reason="MariaDB is not reachable on 127.0.0.1:3306")
def test_mysql_streams(tmp_path):
    pymysql = pytest.importorskip("pymysql")
    table = f"t_{uuid.uuid4().hex[:8]}"
    con = pymysql.connect(
        host="127.0.0.1",
        port=3306,
        user="root",
        password="",
        database="test",
        autocommit=True,
        charset="utf8mb4",
    )
    with con.cursor() as cur:
        cur.execute(f"CREATE TABLE {table} (id INT, name VARCHAR(20), pid VARCHAR(18))")
        cur.executemany(
            f"INSERT INTO {table} VALUES (%s, %s, %s)", [(i, f"某{i}", f"{i:017d}X") for i in range(2500)]
        )
    try:
        src = DatabaseSource(MY_URL)
        assert table in src.tables()
        result = src.extract(table, out_dir=tmp_path / "out", batch_size=300)
        assert result.rows == 2500 and _rows(result.files[0].path)[1] == (1, "某1", "00000000000000001X")
    finally:
        with con.cursor() as cur:
            cur.execute(f"DROP TABLE {table}")
        con.close()


# --- strict URLs, clean errors, timeouts (issue #7 item 1) ------------------------------------------

def _sqlite(path):
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (a TEXT)")
    con.commit()
    con.close()
    return path


def test_non_sqlite_file_is_a_clean_error_not_a_crash(tmp_path):
    for name, content in (("notes.sqlite", b"hello, not a database"), ("empty.sqlite", b""),
                          ("fake.sqlite", b"SQLite format 3\x00" + b"\xff" * 200)):
        (tmp_path / name).write_bytes(content)
        with translation.override("en"), pytest.raises(InvalidInput) as info:
            DatabaseSource(f"sqlite:///{tmp_path / name}").tables()
        assert f"{name} is not a SQLite database" in info.value.message or "cannot be read" in info.value.message
    with translation.override("zh-hans"), pytest.raises(InvalidInput, match="不是 SQLite 数据库"):
        DatabaseSource(f"sqlite:///{tmp_path / 'notes.sqlite'}").tables()


@pytest.mark.parametrize("url", [
    "sqlite:////srv/x.sqlite?mode=rwc", "sqlite:////srv/x.sqlite?vfs=unix-none", "sqlite:////srv/x.sqlite?immutable=1",
    "sqlite:////srv/x.sqlite?", "sqlite://host/srv/x.sqlite", "sqlite:relative.sqlite", "sqlite:file:/srv/x.sqlite",
    "sqlite:////srv/x.sqlite#frag", "sqlite:////srv/x%00.sqlite", "sqlite::memory:",
    "postgresql://u@10.0.0.1/db?host=127.0.0.1", "postgresql://u@10.0.0.1/db?hostaddr=127.0.0.1",
    "postgresql://u@10.0.0.1/db?port=5433", "postgresql://u@10.0.0.1/db?dbname=other", "postgresql://u@10.0.0.1/db?service=x",
    "postgresql://u@10.0.0.1/db?passfile=/etc/passwd", "postgresql://u@10.0.0.1/db?sslkey=/srv/k", "postgresql://u@10.0.0.1/db?options=-c%20x=y",
    "postgresql://u@%2Fvar%2Frun%2Fpostgresql/db", "postgresql://u@h1,h2/db", "postgresql:///db", "postgresql://u@10.0.0.1",
    "postgresql://u@2130706433/db", "postgresql://u@0x7f.1/db", "postgresql://u@[fe80::1%25eth0]/db", "postgresql://u@h:99999/db",
    "mysql://root@10.0.0.1/db?local_infile=1", "mysql://root@10.0.0.1/db?unix_socket=/tmp/s", "oracle://u@h/db",
])
def test_urls_are_read_strictly(url):
    with pytest.raises(InvalidInput) as info:
        parse_url(url)
    assert info.value.field == "url" and info.value.hint


def test_strict_parse_keeps_what_drivers_need():
    t = parse_url("postgresql://gaj:p%40ss@DB.Gaj.Local:5433/huji?sslmode=require")
    assert (t.kind, t.host, t.port, t.dbname, t.user, t.password, t.options) == (
        "postgresql", "db.gaj.local", 5433, "huji", "gaj", "p@ss", (("sslmode", "require"),))
    assert parse_url("mariadb://root@[::ffff:10.0.0.9]/hr").host == "10.0.0.9"
    assert parse_url("sqlite://///srv//a/../b%20c.sqlite").path == "/srv//a/../b c.sqlite"  # resolved when checked


def test_a_file_name_cannot_add_sqlite_uri_options(tmp_path):
    # "?" and "#" in a file name are escaped in the URI we build: the name stays a name
    db = _sqlite(tmp_path / "a#b?mode=rwc&vfs=x.sqlite")
    assert DatabaseSource(f"sqlite:///{quote(str(db))}").tables() == ["t"]


def test_the_connector_opens_the_checked_address_not_the_name():
    # an Endpoint pins the address: the host name in the URL is never resolved again
    with LoopbackServer("silent") as server, translation.override("en"):
        target = parse_url(f"mysql://root@db.invalid:{server.port}/x")
        src = DatabaseSource("mysql://root@db.invalid/x", endpoint=Endpoint(target, address="127.0.0.1"),
                             connect_timeout=1)
        with pytest.raises(InvalidInput, match="did not answer within 1 s"):
            src.tables()
        assert server.accepted == 1


@pytest.mark.parametrize("mode", ["silent", "http"])
def test_mysql_url_at_a_non_mysql_port_fails_within_the_connect_timeout(mode):
    pytest.importorskip("pymysql")
    with LoopbackServer(mode) as server, translation.override("en"):
        src = DatabaseSource(f"mysql://root:Pw-Secret@127.0.0.1:{server.port}/x", connect_timeout=1, read_timeout=30)
        started = time.monotonic()
        with pytest.raises(InvalidInput) as info:
            src.tables()
        elapsed = time.monotonic() - started
    # an HTTP server waits for the client to speak first, so both look the same to MySQL's client
    assert elapsed < 2.5 and "did not answer within 1 s" in info.value.message
    assert "Pw-Secret" not in str(info.value) and server.accepted == 1


def test_postgres_url_at_an_http_port_is_a_clear_protocol_error():
    pytest.importorskip("psycopg")
    with LoopbackServer("http") as server, translation.override("en"):
        started = time.monotonic()
        with pytest.raises(InvalidInput) as info:
            DatabaseSource(f"postgresql://u:Pw-Secret@127.0.0.1:{server.port}/x?sslmode=disable", connect_timeout=2).tables()
    assert time.monotonic() - started < 3
    assert info.value.message == f"url: 127.0.0.1:{server.port} does not answer as a PostgreSQL server"
    assert "Pw-Secret" not in str(info.value)


def test_closed_port_is_a_quick_clear_error():
    port = closed_port()
    with translation.override("en"):
        for url in (f"postgresql://u@127.0.0.1:{port}/x", f"mysql://u@127.0.0.1:{port}/x"):
            started = time.monotonic()
            with pytest.raises(InvalidInput) as info:
                DatabaseSource(url).tables()
            assert time.monotonic() - started < 1 and info.value.message == f"url: cannot connect to 127.0.0.1:{port}"
