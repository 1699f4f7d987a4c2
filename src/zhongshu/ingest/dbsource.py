"""SQL database sources (SQLite, PostgreSQL, MySQL/MariaDB): list tables, extract to Parquet.

Rows stream through a server-side cursor (psycopg named cursor, PyMySQL SSCursor) in batches
of `batch_size` into a Parquet writer; no more than one batch is held at a time. A caller's
query must be exactly one SELECT (checked with sqlglot). Connection errors never carry the
password: every message names the source through `redact_url`.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

import pyarrow as pa
import pyarrow.parquet as pq

from zhongshu.core.errors import InvalidInput
from zhongshu.core.files import fsync_dir, sha256_file
from zhongshu.ingest.casting import kind_of
from zhongshu.ingest.model import Field, FileInfo, LoadResult

PART_NAME = "part-00000.parquet"
_DIALECTS = {
    "sqlite": "sqlite",
    "postgresql": "postgres",
    "postgres": "postgres",
    "mysql": "mysql",
    "mariadb": "mysql",
}


# Query parameters that carry a secret (libpq and PyMySQL accept a password there too).
_SECRET_PARAMS = frozenset({"password", "passwd", "pwd", "secret", "token", "sslpassword"})


def redact_url(url: str) -> str:
    """The URL with its password (and secret query parameters) replaced by ***.

    >>> redact_url("postgresql://bob:s3cret@db.example:5432/hr")
    'postgresql://bob:***@db.example:5432/hr'
    >>> redact_url("postgresql://gaj@db.local/huji?sslmode=require&password=x")
    'postgresql://gaj@db.local/huji?sslmode=require&password=%2A%2A%2A'
    >>> redact_url("sqlite:////srv/data/huji.sqlite")
    'sqlite:////srv/data/huji.sqlite'
    """
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    secret_query = any(k.lower() in _SECRET_PARAMS for k, _ in pairs)
    if parts.password is None and not secret_query:
        return url  # nothing to hide (and urlunsplit would drop the empty host of sqlite:////path)
    netloc = parts.netloc
    if parts.password is not None:
        netloc = f"{parts.username or ''}:***@{netloc.rsplit('@', 1)[1]}"
    query = (
        urlencode([(k, "***" if k.lower() in _SECRET_PARAMS else v) for k, v in pairs])
        if secret_query
        else parts.query
    )
    return urlunsplit(parts._replace(netloc=netloc, query=query))


def check_select(query: str, dialect: str) -> str:
    """Accept exactly one read-only SELECT (UNION/WITH allowed); refuse anything else clearly."""
    import sqlglot
    from sqlglot import exp

    try:
        statements = [s for s in sqlglot.parse(query, read=dialect) if s is not None]
    except sqlglot.errors.ParseError as exc:
        first = exc.errors[0] if exc.errors else {}
        where = f" at line {first.get('line')}, column {first.get('col')}" if first else ""
        raise InvalidInput(
            "query", f"the query cannot be parsed{where}", hint="write one SELECT statement"
        ) from None
    if len(statements) != 1:
        raise InvalidInput(
            "query",
            f"the query holds {len(statements)} statements",
            hint="write exactly one SELECT statement",
        )
    stmt = statements[0]
    if not isinstance(stmt, (exp.Select, exp.Union, exp.Intersect, exp.Except)):
        raise InvalidInput(
            "query", f"only SELECT is allowed, not {stmt.key.upper()}", hint="write one SELECT statement"
        )
    banned = (
        exp.Into,
        exp.Insert,
        exp.Update,
        exp.Delete,
        exp.Create,
        exp.Drop,
        exp.Command,
        exp.Lock,
        exp.Merge,
    )
    for node in stmt.walk():
        if isinstance(node, banned):
            raise InvalidInput(
                "query",
                f"{node.key.upper()} is not allowed in an extract query",
                hint="a plain SELECT reads without changing or locking anything",
            )
    return query.strip().rstrip(";")


class DatabaseSource:
    """One database reachable by URL: sqlite:///path, postgresql://…, mysql://…."""

    def __init__(self, url: str, *, connect_timeout: int = 5) -> None:
        parts = urlsplit(url)
        scheme = parts.scheme.split("+", 1)[0].lower()
        if scheme not in _DIALECTS:
            raise InvalidInput(
                "url",
                f"unsupported database type {parts.scheme!r}",
                hint="use sqlite:///path, postgresql://… or mysql://…",
            )
        self.url = url
        self.kind = "postgresql" if scheme == "postgres" else ("mysql" if scheme == "mariadb" else scheme)
        self.dialect = _DIALECTS[scheme]
        self.parts = parts
        self.connect_timeout = connect_timeout

    def __repr__(self) -> str:
        return f"DatabaseSource({redact_url(self.url)!r})"

    def _where(self) -> str:
        if self.kind == "sqlite":
            return Path(self.parts.path).name
        return f"{self.parts.hostname or 'localhost'}:{self.parts.port or (5432 if self.kind == 'postgresql' else 3306)}"

    def _connect(self) -> Any:
        p = self.parts
        try:
            if self.kind == "sqlite":
                path = (
                    unquote(p.path[1:] if p.path.startswith("//") else p.path)
                    if p.netloc == ""
                    else unquote(p.netloc + p.path)
                )
                if not Path(path).is_file():
                    raise InvalidInput(
                        "url",
                        f"SQLite database {Path(path).name} does not exist",
                        hint="check the file path in the URL",
                    )
                return sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            if self.kind == "postgresql":
                import psycopg

                params: dict[str, Any] = {
                    "host": p.hostname or "localhost",
                    "port": p.port or 5432,
                    "user": unquote(p.username) if p.username else None,
                    "password": unquote(p.password) if p.password else None,
                    "dbname": p.path.lstrip("/") or None,
                    "connect_timeout": self.connect_timeout,
                }
                params.update(parse_qsl(p.query))  # sslmode=require and other libpq options
                return psycopg.connect(**params)
            import pymysql

            return pymysql.connect(
                host=p.hostname or "localhost",
                port=p.port or 3306,
                user=unquote(p.username) if p.username else "root",
                password=unquote(p.password) if p.password else "",
                database=p.path.lstrip("/") or None,
                connect_timeout=self.connect_timeout,
                charset="utf8mb4",
            )
        except InvalidInput:
            raise
        except ImportError as exc:
            raise InvalidInput(
                "url",
                f"the {self.kind} driver is not installed ({exc.name})",
                hint="install the postgres/mysql extra",
            ) from None
        except Exception as exc:  # noqa: BLE001 - driver errors may quote the URL; say only where and what kind
            raise InvalidInput(
                "url",
                f"cannot connect to {self._where()} ({type(exc).__name__}) for {redact_url(self.url)}",
                hint="check that the server is running and that host, port, database, user and password are right",
            ) from None

    def tables(self) -> list[str]:
        """Table and view names (PostgreSQL: schema-qualified outside `public`)."""
        con = self._connect()
        try:
            cur = con.cursor()
            if self.kind == "sqlite":
                cur.execute(
                    "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
                return [r[0] for r in cur.fetchall()]
            if self.kind == "postgresql":
                cur.execute(
                    "SELECT table_schema, table_name FROM information_schema.tables "
                    "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2"
                )
                return [n if s == "public" else f"{s}.{n}" for s, n in cur.fetchall()]
            cur.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY 1"
            )
            return [r[0] for r in cur.fetchall()]
        finally:
            con.close()

    def _quote_table(self, table: str) -> str:
        if table not in self.tables():
            raise InvalidInput(
                "table",
                f"table {table!r} not found in {self._where()}",
                hint="choose one of the listed tables",
            )
        q = "`" if self.kind == "mysql" else '"'
        return ".".join(
            q + part.replace(q, q + q) + q
            for part in table.split(".", 1 if self.kind == "postgresql" else 0) or [table]
        )

    def columns(self, table: str) -> list[Field]:
        """The table's columns with our field types (from a zero-row extract's Arrow schema)."""
        sql = f"SELECT * FROM {self._quote_table(table)} WHERE 1 = 0"
        con = self._connect()
        try:
            cur = con.cursor()
            if self.kind == "sqlite":
                cur.execute(f"PRAGMA table_info({self._quote_table(table)})")
                return [Field(r[1], _kind_from_sqlite(r[2] or ""), r[2] or "") for r in cur.fetchall()]
            cur.execute(sql)
            return [Field(d[0], _kind_from_db(self.kind, d[1]), str(d[1])) for d in cur.description]
        finally:
            con.close()

    def extract(
        self,
        table: str | None = None,
        query: str | None = None,
        *,
        out_dir: str | os.PathLike[str],
        batch_size: int = 50_000,
    ) -> LoadResult:
        """Stream a table or one SELECT into out_dir/part-00000.parquet (fsynced)."""
        if (table is None) == (query is None):
            raise InvalidInput(
                "table", "give either a table or a query", hint="choose a table, or write one SELECT"
            )
        sql = (
            f"SELECT * FROM {self._quote_table(table)}"
            if table is not None
            else check_select(query or "", self.dialect)
        )
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        target = out / PART_NAME
        if target.exists():
            raise InvalidInput(
                "out_dir",
                f"{out.name} already holds a load ({PART_NAME})",
                hint="extract each version into a new, empty folder",
            )
        con = self._connect()
        rows = 0
        try:
            names, batches = self._stream(con, sql, batch_size)
            writer: pq.ParquetWriter | None = None
            schema: pa.Schema | None = None
            try:
                for batch in batches:
                    table_ = _to_arrow(names, batch, schema)
                    if writer is None:
                        schema = table_.schema
                        writer = pq.ParquetWriter(target, schema, compression="zstd")
                    writer.write_table(table_)
                    rows += table_.num_rows
                if writer is None:
                    schema = pa.schema([pa.field(n, pa.string()) for n in names])
                    writer = pq.ParquetWriter(target, schema, compression="zstd")
            finally:
                if writer is not None:
                    writer.close()
        except InvalidInput:
            raise
        except Exception as exc:  # noqa: BLE001 - driver text may hold values; report the kind only
            target.unlink(missing_ok=True)
            raise InvalidInput(
                "query",
                f"the database refused the extract ({type(exc).__name__}) in {self._where()}",
                hint="check the table or query and your permissions",
            ) from None
        finally:
            con.close()
        digest = sha256_file(target, fsync=True)
        fsync_dir(out)
        info = FileInfo(str(target.resolve()), target.stat().st_size, digest)
        pschema = pq.read_schema(target)
        fields = [Field(f.name, _kind_from_arrow(f.type), str(f.type)) for f in pschema]
        # For a database the written data is the source: its digest identifies what was read.
        return LoadResult(rows, [], fields, [info], info.sha256, None, self.kind, total_rows=rows)

    def _stream(self, con: Any, sql: str, batch_size: int) -> tuple[list[str], Iterator[list[tuple]]]:
        if self.kind == "postgresql":
            cur = con.cursor(name="zhongshu_extract")  # server-side: rows stay on the server
            cur.itersize = batch_size
        elif self.kind == "mysql":
            import pymysql.cursors

            cur = con.cursor(pymysql.cursors.SSCursor)  # unbuffered: rows stream from the server
        else:
            cur = con.cursor()
        cur.execute(sql)
        if cur.description is None and self.kind == "postgresql":
            first = cur.fetchmany(batch_size)  # named cursors describe after the first fetch
        else:
            first = None
        names = [d[0] for d in cur.description]

        def gen() -> Iterator[list[tuple]]:
            if first:
                yield first
            while batch := cur.fetchmany(batch_size):
                yield batch

        return names, gen()


def _to_arrow(names: list[str], rows: list[tuple], schema: pa.Schema | None) -> pa.Table:
    """Build an Arrow table from row tuples, keeping the first batch's types for later batches."""
    arrays = []
    for i, name in enumerate(names):
        values = [r[i] for r in rows]
        target = schema.field(name).type if schema is not None else None
        try:
            arr = (
                pa.array(values, type=target)
                if target is not None and not pa.types.is_null(target)
                else pa.array(values)
            )
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
            arr = pa.array([None if v is None else str(v) for v in values], pa.string())
        if isinstance(arr.type, pa.Decimal128Type | pa.Decimal256Type) and target is None:
            arr = arr.cast(pa.decimal128(38, max(arr.type.scale, 0))) if arr.type.precision <= 38 else arr
        arrays.append(arr)
    table = pa.Table.from_arrays(arrays, names=names)
    if schema is not None and table.schema != schema:
        try:
            table = table.cast(schema)
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            raise InvalidInput(
                "query",
                "a column changes type between rows",
                hint="cast the column in the query, e.g. CAST(x AS TEXT)",
            ) from None
    return table


def _kind_from_arrow(t: pa.DataType) -> str:
    if pa.types.is_integer(t):
        return "integer"
    if pa.types.is_decimal(t) or pa.types.is_floating(t):
        return "decimal"
    if pa.types.is_date(t):
        return "date"
    if pa.types.is_timestamp(t):
        return "timestamp"
    if pa.types.is_boolean(t):
        return "boolean"
    return "string"


def _kind_from_db(kind: str, type_code: Any) -> str:
    """Best-effort field type from a DB-API type code (sqlite gives none: string)."""
    if kind == "postgresql" and isinstance(type_code, int):
        return {
            20: "integer",
            21: "integer",
            23: "integer",
            1700: "decimal",
            700: "decimal",
            701: "decimal",
            1082: "date",
            1114: "timestamp",
            1184: "timestamp",
            16: "boolean",
        }.get(type_code, "string")
    if kind == "mysql" and isinstance(type_code, int):
        return {
            1: "integer",
            2: "integer",
            3: "integer",
            8: "integer",
            9: "integer",
            0: "decimal",
            246: "decimal",
            4: "decimal",
            5: "decimal",
            10: "date",
            7: "timestamp",
            12: "timestamp",
        }.get(type_code, "string")
    return kind_of(str(type_code)) if type_code else "string"


def _kind_from_sqlite(declared: str) -> str:
    """Field type from a SQLite declared type (its affinity rules, plus date names).

    >>> _kind_from_sqlite("VARCHAR(18)"), _kind_from_sqlite("INTEGER"), _kind_from_sqlite("DATETIME")
    ('string', 'integer', 'timestamp')
    """
    t = declared.upper()
    if "INT" in t:
        return "integer"
    if any(k in t for k in ("CHAR", "CLOB", "TEXT")):
        return "string"
    if "DATETIME" in t or "TIMESTAMP" in t:
        return "timestamp"
    if "DATE" in t:
        return "date"
    if "BOOL" in t:
        return "boolean"
    if any(k in t for k in ("REAL", "FLOA", "DOUB", "NUM", "DEC")):
        return "decimal"
    return "string"
