"""Reading a department's database by URL: SQLite, PostgreSQL, MySQL/MariaDB.

A thin adapter until `zhongshu.ingest.dbsource` lands. Rows stream in batches into a Parquet file
of text columns (None stays null); the file loader then types and validates them like any upload,
so a database table and an exported CSV of it load the same way. Errors never carry the password.
"""

from __future__ import annotations

import datetime
import decimal
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pyarrow as pa
import pyarrow.parquet as pq

from zhongshu.catalog.crypto import redact_url
from zhongshu.core.errors import InvalidInput

BATCH = 10_000
SCHEMES = {"sqlite": "sqlite", "postgresql": "postgresql", "postgres": "postgresql", "mysql": "mysql",
           "mariadb": "mysql", "mysql+pymysql": "mysql"}


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat(sep=" ") if isinstance(value, datetime.datetime) else value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    return str(value)


class DatabaseSource:
    """One database reached by URL; `tables()`, `columns()`, `extract()`."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.shown = redact_url(url)
        parts = urlsplit(url)
        self.kind = SCHEMES.get(parts.scheme.lower())
        if self.kind is None:
            raise InvalidInput("url", f"unsupported database type {parts.scheme!r}",
                               hint="use sqlite:///path.sqlite, postgresql://user:pass@host/db or mysql://user:pass@host/db")
        self.parts = parts

    @contextmanager
    def connect(self) -> Iterator[Any]:
        try:
            if self.kind == "sqlite":
                path = unquote(self.parts.path)
                path = path[1:] if path.startswith("//") else path  # sqlite:////abs → /abs
                if not Path(path).is_file():
                    raise InvalidInput("url", f"SQLite file {Path(path).name} does not exist",
                                       hint="check the path in the URL (sqlite:////absolute/path.sqlite)")
                con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            elif self.kind == "postgresql":
                import psycopg

                con = psycopg.connect(self.url.replace("postgres://", "postgresql://", 1), connect_timeout=10)
            else:
                import pymysql

                p = self.parts
                con = pymysql.connect(host=p.hostname or "localhost", port=p.port or 3306,
                                      user=unquote(p.username or ""), password=unquote(p.password or ""),
                                      database=p.path.lstrip("/"), connect_timeout=10, charset="utf8mb4")
        except InvalidInput:
            raise
        except Exception as exc:  # noqa: BLE001 - driver errors may quote the URL; say only what and where
            raise InvalidInput(
                "url", f"cannot connect to the database {self.shown} ({type(exc).__name__})",
                hint="check that the database server is running and reachable, and the user name and password",
            ) from None
        try:
            yield con
        finally:
            con.close()

    def tables(self) -> list[str]:
        """Table and view names visible to the connecting user."""
        sql = {
            "sqlite": "SELECT name FROM sqlite_master WHERE type IN ('table','view') AND name NOT LIKE 'sqlite_%' ORDER BY name",
            "postgresql": "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1",
            "mysql": "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY 1",
        }[self.kind]
        with self.connect() as con:
            cur = con.cursor()
            cur.execute(sql)
            return [r[0] for r in cur.fetchall()]

    def _quote(self, name: str) -> str:
        q = "`" if self.kind == "mysql" else '"'
        return q + name.replace(q, q + q) + q

    def extract(self, out: Path, *, table: str = "", query: str = "") -> int:
        """Write a table's (or a SELECT's) rows to `out` as Parquet text columns; returns the row count."""
        if bool(table) == bool(query):
            raise InvalidInput("table", "give either a table or a query", hint="choose one table, or write one SELECT")
        if query and not query.lstrip().lower().startswith(("select", "with")):
            raise InvalidInput("query", "only a SELECT query can be used", hint="write SELECT … FROM …")
        if table and table not in self.tables():
            raise InvalidInput("table", f"table {table!r} not found in {self.shown}", hint="pick one of the listed tables")
        sql = query or f"SELECT * FROM {self._quote(table)}"
        rows = 0
        with self.connect() as con:
            cur = con.cursor()
            try:
                cur.execute(sql)
            except Exception as exc:  # noqa: BLE001
                raise InvalidInput("query", f"the database refused the query ({type(exc).__name__})",
                                   hint="check table and column names") from None
            names = [d[0] for d in cur.description]
            if len(set(names)) != len(names):
                raise InvalidInput("query", "the result has duplicate column names", hint="give each column its own name (AS …)")
            schema = pa.schema([(n, pa.string()) for n in names])
            with pq.ParquetWriter(out, schema) as writer:
                while batch := cur.fetchmany(BATCH):
                    cols = list(zip(*batch, strict=True)) if batch else [[] for _ in names]
                    writer.write_table(pa.table([pa.array([_text(v) for v in c], pa.string()) for c in cols], schema=schema))
                    rows += len(batch)
        return rows
