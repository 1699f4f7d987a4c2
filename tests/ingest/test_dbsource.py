"""DatabaseSource against real SQLite, PostgreSQL and MariaDB (skipped when a server is down)."""

from __future__ import annotations

import socket
import sqlite3
import uuid

import duckdb
import pytest

from zhongshu.core.errors import InvalidInput
from zhongshu.ingest.dbsource import DatabaseSource, check_select, redact_url


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
