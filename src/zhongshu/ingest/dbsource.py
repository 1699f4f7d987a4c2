"""SQL database sources (SQLite, PostgreSQL, MySQL/MariaDB): list tables, extract to Parquet.

Rows stream through a server-side cursor (psycopg named cursor, PyMySQL SSCursor) in batches
of `batch_size` into a Parquet writer; no more than one batch is held at a time. A caller's
query must be exactly one SELECT (checked with sqlglot). Connection errors never carry the
password nor the driver's own text: they are classified (timeout, refused, wrong protocol, login,
missing database) into a message naming only the file or host:port. Which file or address is
opened, and the URL syntax, are `zhongshu.ingest.dbtarget`'s work.
"""

from __future__ import annotations

import math
import os
import socket
import sqlite3
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import pyarrow as pa
import pyarrow.parquet as pq
from django.utils.translation import gettext as _

from zhongshu.core.errors import InvalidInput
from zhongshu.core.files import fsync_dir, sha256_file
from zhongshu.ingest.casting import kind_of
from zhongshu.ingest.dbtarget import Endpoint, locate, parse_url
from zhongshu.ingest.model import Field, FileInfo, LoadResult

PART_NAME = "part-00000.parquet"
SQLITE_HEADER = b"SQLite format 3\x00"


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
    """One database reachable by URL: sqlite:////path, postgresql://…, mysql://….

    `endpoint` is what to open (the hub passes the one its allow-list checked; see
    `zhongshu.catalog.source_policy`); without it the URL is located here, unchecked.
    `connect_timeout` bounds connecting (TCP, the server's greeting, TLS and login);
    `read_timeout` bounds each statement (PostgreSQL `statement_timeout`) or each wait for the
    server (MySQL `read_timeout`/`write_timeout`).
    """

    def __init__(self, url: str, *, endpoint: Endpoint | None = None, connect_timeout: float = 5,
                 read_timeout: float = 60) -> None:
        self.url = url
        self.target = endpoint.target if endpoint is not None else parse_url(url)
        self.kind = self.target.kind
        self.dialect = self.target.dialect
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self._endpoint = endpoint

    def __repr__(self) -> str:
        return f"DatabaseSource({redact_url(self.url)!r})"

    def _where(self) -> str:
        return self.target.where

    @property
    def endpoint(self) -> Endpoint:
        if self._endpoint is None:
            self._endpoint = locate(self.target, self.connect_timeout)
        return self._endpoint

    def _connect(self) -> Any:
        ep = self.endpoint
        if self.kind == "sqlite":
            return self._connect_sqlite(ep)
        try:
            if self.kind == "postgresql":
                return self._connect_postgres(ep)
            return self._connect_mysql(ep)
        except InvalidInput:
            raise
        except ImportError as exc:
            raise InvalidInput(
                "url",
                _("the %(kind)s driver is not installed (%(name)s)") % {"kind": self.kind, "name": exc.name},
                hint=_("install the postgres/mysql extra"),
            ) from None
        except Exception as exc:  # noqa: BLE001 - driver text may quote the URL or values: classify it, never show it
            raise self._failure(exc, connecting=True) from None

    def _connect_sqlite(self, ep: Endpoint) -> sqlite3.Connection:
        name = self.target.where
        try:
            st = os.stat(ep.path)
        except OSError:
            st = None
        if st is None or not stat.S_ISREG(st.st_mode):
            raise InvalidInput("url", _("SQLite database %(name)s does not exist") % {"name": name},
                               hint=_("check the file path in the URL"))
        if ep.file_id is not None and (st.st_dev, st.st_ino) != ep.file_id:
            raise InvalidInput("url", _("SQLite database %(name)s changed while it was being opened") % {"name": name},
                               hint=_("try again"))
        try:
            with open(ep.path, "rb") as fh:
                header = fh.read(len(SQLITE_HEADER))
        except OSError:
            raise InvalidInput("url", _("SQLite database %(name)s cannot be read") % {"name": name},
                               hint=_("the hub's service account needs read access to the file")) from None
        if header != SQLITE_HEADER:
            raise _not_sqlite(name)
        # Our own URI with the path escaped: a "?" or "#" in a file name cannot add options.
        con = sqlite3.connect(f"file:{quote(ep.path)}?mode=ro", uri=True)
        after = os.stat(ep.path)
        if (after.st_dev, after.st_ino) != (st.st_dev, st.st_ino):  # swapped between the check and the open
            con.close()
            raise InvalidInput("url", _("SQLite database %(name)s changed while it was being opened") % {"name": name},
                               hint=_("try again"))
        try:
            # a source file's schema may hold views and triggers: never let them call risky functions
            con.execute("PRAGMA trusted_schema = OFF")
            con.execute("PRAGMA query_only = ON")
        except sqlite3.DatabaseError:
            con.close()
            raise _not_sqlite(name) from None
        return con

    def _connect_postgres(self, ep: Endpoint) -> Any:
        import psycopg  # optional driver (the postgres extra)

        t = self.target
        params: dict[str, Any] = dict(t.options)
        params.update(
            host=t.host,  # kept for TLS name checks; the connection goes to hostaddr only
            hostaddr=ep.address,
            port=t.port,
            dbname=t.dbname,
            user=t.user or None,
            # "" (not None): libpq must not fall back to PGPASSWORD or ~/.pgpass, which hold the hub's own
            password=params.get("password") or t.password or "",
            passfile=os.devnull,
            connect_timeout=max(2, math.ceil(self.connect_timeout)),  # libpq's minimum is 2 s
            options=f"-c statement_timeout={int(self.read_timeout * 1000)}",
        )
        return psycopg.connect(**params)

    def _connect_mysql(self, ep: Endpoint) -> Any:
        import pymysql  # optional driver (the mysql extra)

        t = self.target
        sock = socket.create_connection((ep.address, t.port), timeout=self.connect_timeout)
        try:
            _await_mysql_greeting(sock, self.connect_timeout, t.where)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
            con = pymysql.connect(
                host=ep.address,
                port=t.port,
                user=t.user or "root",
                password=t.password,
                database=t.dbname,
                connect_timeout=self.connect_timeout,
                read_timeout=self.read_timeout,
                write_timeout=self.read_timeout,
                charset="utf8mb4",
                local_infile=False,  # a server must never be able to ask for the hub's files
                defer_connect=True,
            )
            con.connect(sock)  # the socket we connected to the checked address, greeting already seen
        except BaseException:
            sock.close()
            raise
        return con

    def _failure(self, exc: BaseException, *, connecting: bool = False) -> InvalidInput:
        """A clear, safe InvalidInput for a driver or network error (its own text is never shown)."""
        where, kind = self.target.where, {"postgresql": "PostgreSQL", "mysql": "MySQL"}.get(self.kind, "SQLite")
        cause = _classify(exc)
        check = _("check that the server is running and that host, port, database, user and password are right")
        if self.kind == "sqlite":
            if cause == "not_database":
                return _not_sqlite(where)
            return InvalidInput("url", _("SQLite database %(name)s cannot be read (%(kind)s)")
                                % {"name": where, "kind": type(exc).__name__}, hint=_("check the file"))
        if cause == "timeout":
            seconds = self.connect_timeout if connecting else self.read_timeout
            return InvalidInput("url", _("%(where)s did not answer within %(seconds)s s")
                                % {"where": where, "seconds": f"{seconds:g}"},
                                hint=_("check the host and port, and that it is a %(kind)s server") % {"kind": kind}
                                if connecting else _("the database is slow or busy; try a smaller query"))
        if cause == "refused":
            return InvalidInput("url", _("cannot connect to %(where)s") % {"where": where}, hint=check)
        if cause == "protocol":
            return InvalidInput("url", _("%(where)s does not answer as a %(kind)s server") % {"where": where, "kind": kind},
                                hint=_("check the port: it belongs to another service"))
        if cause == "login":
            return InvalidInput("url", _("%(where)s refused the user name or password") % {"where": where},
                                hint=_("check the user and password in the URL"))
        if cause == "no_database":
            return InvalidInput("url", _("database %(db)s does not exist on %(where)s")
                                % {"db": self.target.dbname, "where": where}, hint=_("check the database name in the URL"))
        return InvalidInput("url", _("cannot connect to %(where)s (%(kind)s)") % {"where": where, "kind": type(exc).__name__},
                            hint=check)

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
        except Exception as exc:  # noqa: BLE001 - driver text may hold values: classify, never show it
            raise self._failure(exc) from None
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
        quoted = self._quote_table(table)
        con = self._connect()
        try:
            cur = con.cursor()
            if self.kind == "sqlite":
                cur.execute(f"PRAGMA table_info({quoted})")
                return [Field(r[1], _kind_from_sqlite(r[2] or ""), r[2] or "") for r in cur.fetchall()]
            cur.execute(f"SELECT * FROM {quoted} WHERE 1 = 0")
            return [Field(d[0], _kind_from_db(self.kind, d[1]), str(d[1])) for d in cur.description]
        except Exception as exc:  # noqa: BLE001 - driver text may hold values: classify, never show it
            raise self._failure(exc) from None
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
            if _classify(exc) in ("timeout", "refused", "not_database"):
                raise self._failure(exc) from None
            raise InvalidInput(
                "query",
                _("the database refused the extract (%(kind)s) in %(where)s")
                % {"kind": type(exc).__name__, "where": self._where()},
                hint=_("check the table or query and your permissions"),
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


def _not_sqlite(name: str) -> InvalidInput:
    return InvalidInput("url", _("%(name)s is not a SQLite database") % {"name": name},
                        hint=_("give the path of a SQLite database file"))


def _classify(exc: BaseException) -> str:
    """The kind of a connection or query failure, from exception types and codes (text never leaves)."""
    if isinstance(exc, _NotMySQL):
        return "protocol"
    if isinstance(exc, TimeoutError):  # socket.timeout is TimeoutError
        return "timeout"
    if isinstance(exc, (ConnectionRefusedError, ConnectionResetError, BrokenPipeError)):
        return "refused"
    if isinstance(exc, OSError) and exc.errno is not None:
        return "refused"  # unreachable network or host
    if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
        return "not_database"  # "file is not a database", "database disk image is malformed"
    name = type(exc).__name__
    module = type(exc).__module__ or ""
    text = str(exc).lower()
    if module.startswith("psycopg"):
        if name in ("ConnectionTimeout", "QueryCanceled") or "timeout expired" in text:
            return "timeout"
        if "connection refused" in text or "no route to host" in text or "network is unreachable" in text:
            return "refused"
        # before "authentication": libpq says "expected authentication request … but received H"
        if any(k in text for k in ("invalid response", "expected authentication request", "server closed the connection",
                                    "unsupported frontend protocol", "received invalid", "bad message")):
            return "protocol"
        if "password" in text or "authentication" in text or "pg_hba.conf" in text:
            return "login"
        if "database" in text and "does not exist" in text:
            return "no_database"
        return "other"
    if module.startswith("pymysql"):
        code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else None
        original = getattr(exc, "original_exception", None)
        if original is not None:
            return _classify(original)
        if code == 1045:
            return "login"
        if code == 1049:
            return "no_database"
        if code in (2013, 2055):  # lost connection while waiting: a read timed out or the server hung up
            return "timeout" if "timed out" in text else "protocol"
        if code == 2003:
            return "refused"
        if code is None or code >= 2000:  # a packet that is not MySQL's
            return "protocol"
        return "other"
    return "other"


def _await_mysql_greeting(sock: socket.socket, timeout: float, where: str) -> None:
    """Wait (at most `timeout`) for the handshake a MySQL server sends first, without consuming it.

    A MySQL server speaks first; an HTTP or other server waits for the client. PyMySQL would wait
    for the greeting with its read timeout (or forever), so we peek for it under the connect timeout.
    """
    deadline = time.monotonic() + timeout
    head = b""
    while len(head) < 5:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no greeting from {where}")
        sock.settimeout(left)
        head = sock.recv(5, socket.MSG_PEEK)
        if not head:
            raise ConnectionResetError(f"{where} closed the connection")
        if len(head) < 5:
            time.sleep(0.01)  # peek returns what has arrived; wait for the rest of the header
    # packet header: 3-byte length, sequence 0; then protocol version 10, or 0xff for an error packet
    length = int.from_bytes(head[:3], "little")
    if head[3] != 0 or head[4] not in (0x0A, 0xFF) or not 0 < length < 1 << 16:
        raise _NotMySQL(f"{where} is not a MySQL server")


class _NotMySQL(Exception):
    """The server at the address does not speak the MySQL protocol."""


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
