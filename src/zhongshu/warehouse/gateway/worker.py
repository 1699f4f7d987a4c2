"""The sandbox worker: one process, one query at a time, a fresh locked-down DuckDB for each.

Started by the pool as `python -m zhongshu.warehouse.gateway.worker`, it imports DuckDB and
Arrow, runs a warm-up query, says "ready", and then loops: read a job, run it, answer. For each
job, in this order:

1. cap its own address space (`RLIMIT_AS`: what it uses now + memory_mb + headroom), so a query
   that outgrows DuckDB's own accounting fails in this process only;
2. take a fresh in-memory DuckDB prepared while idle (no extension autoload, no Python
   replacement scans, no spilling to disk) and set memory_limit, threads, max_execution_time;
3. `SET allowed_paths` to the permitted version files, create one view per granted table
   (`"__zh_src"."<name>"` over `read_parquet([...])`), register the token function with the
   caller's key — and only then `SET enable_external_access = false` and
   `SET lock_configuration = true`: every other file is refused, settings cannot change;
4. run each grant's probe (its columns and row filter bind on the data, else `policy_error`);
   steps 2–4 are skipped when a database locked down for exactly the same views, files, key and
   limits is still open (`Databases`);
5. run the compiled query under DuckDB's `max_execution_time` (checked between vectors; the
   parent's SIGKILL a little later covers a single expression that runs on), and send back at
   most max_rows rows as Arrow IPC bytes (refusing results over max_result_mb).

Answers carry a code and the engine's exception *type*, never its text (it can hold values).
After running out of memory the worker exits, and the pool starts a fresh one. The worker also
exits when its parent goes away (end of its stdin, or a new parent pid).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import resource
import sys
import threading
import time
from typing import Any

import duckdb
import pyarrow as pa

from zhongshu.warehouse.gateway import wire
from zhongshu.warehouse.gateway.context import SOURCE_SCHEMA
from zhongshu.warehouse.gateway.masks import TOKEN_FUNCTION

MB = 1 << 20
HEADROOM = 384 * MB  # address space beyond memory_mb: Arrow, Python, the result, glibc arenas
EXIT_ORPHANED = 76
_MEMORY_ERRORS = (duckdb.OutOfMemoryException, MemoryError)
_BASE_CONFIG = {
    "threads": "1",
    "autoinstall_known_extensions": "false",
    "autoload_known_extensions": "false",
    "allow_community_extensions": "false",
    "allow_unsigned_extensions": "false",
    "allow_persistent_secrets": "false",
    "python_enable_replacements": "false",
    "temp_directory": "",  # no spilling: a bomb stops at the memory limit instead of filling the disk
}


def _address_space() -> int:
    """This process's current virtual memory size in bytes (Linux /proc)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * resource.getpagesize()


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _token_function(key: bytes) -> Any:
    def token(values: pa.Array) -> pa.Array:
        # The mask passes NULL and '' through before calling us; keep the same rule here anyway.
        out = [
            v if not v else hmac.new(key, v.encode(), hashlib.sha256).hexdigest()[:16]
            for v in values.to_pylist()
        ]
        return pa.array(out, pa.string())

    return token


def fresh_connection() -> duckdb.DuckDBPyConnection:
    """An empty in-memory DuckDB with what never changes between jobs already set."""
    return duckdb.connect(":memory:", config=dict(_BASE_CONFIG))


def lock_down(con: duckdb.DuckDBPyConnection, job: dict) -> None:
    """Limits, the permitted files, the views and the token function; then no more access or settings."""
    limits = job["limits"]
    con.execute(f"SET memory_limit = '{int(limits['memory_mb'])}MB'")
    con.execute(f"SET threads = {int(limits['threads'])}")
    con.execute(f"SET max_execution_time = {int(limits['timeout_s'] * 1000)}")
    files = [f for source in job["sources"] for f in source["files"]]
    con.execute(f"SET allowed_paths = [{', '.join(_quote(f) for f in files)}]")
    con.execute(f"CREATE SCHEMA {_ident(SOURCE_SCHEMA)}")
    for source in job["sources"]:
        paths = ", ".join(_quote(f) for f in source["files"])
        con.execute(
            f"CREATE VIEW {_ident(SOURCE_SCHEMA)}.{_ident(source['name'])} AS SELECT * FROM read_parquet([{paths}])"
        )
    if job.get("token_key"):
        con.create_function(
            TOKEN_FUNCTION, _token_function(job["token_key"]), ["VARCHAR"], "VARCHAR",
            type="arrow", null_handling="special", side_effects=False,
        )
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")


def _failure(code: str, exc: BaseException, **extra: Any) -> dict:
    return {"status": "error", "code": code, "error_type": type(exc).__name__, **extra}


def database_key(job: dict) -> tuple:
    """Jobs with equal keys may share one locked-down database: same views, files, key and limits."""
    limits = job["limits"]
    return (
        tuple((s["name"], tuple(s["files"]), s["probe"]) for s in job["sources"]),
        job.get("token_key"),
        int(limits["memory_mb"]), int(limits["threads"]), float(limits["timeout_s"]),
    )


class Databases:
    """Locked-down databases kept for the next jobs over the same views (LRU), and one spare.

    A locked database only ever runs SELECTs the compiler wrote (no temp tables, variables or
    settings can be made in it), so a second job over exactly the same views, files, token key
    and limits may use it: the policy lives in the compiled SQL, not in the database. This saves
    the connect, lock-down and probe work (most of a short query's time) on repeated queries.
    """

    def __init__(self, size: int = 4) -> None:
        self.size = size
        self.items: dict[tuple, duckdb.DuckDBPyConnection] = {}
        self.spare: duckdb.DuckDBPyConnection | None = fresh_connection()
        self.retired: list[duckdb.DuckDBPyConnection] = []

    def get(self, job: dict) -> tuple[duckdb.DuckDBPyConnection, bool]:
        """The database for this job and whether it is new (needs lock-down and probes)."""
        key = database_key(job)
        con = self.items.pop(key, None)
        if con is not None:
            self.items[key] = con  # most recently used last
            return con, False
        con = self.spare if self.spare is not None else fresh_connection()
        self.spare = None
        self.items[key] = con
        while len(self.items) > self.size:
            self.retired.append(self.items.pop(next(iter(self.items))))
        return con, True

    def drop(self, job: dict) -> None:
        con = self.items.pop(database_key(job), None)
        if con is not None:
            self.retired.append(con)

    def tidy(self) -> None:
        """Between jobs: close retired databases and prepare a spare, off the next query's path."""
        for con in self.retired:
            con.close()
        self.retired.clear()
        if self.spare is None:
            self.spare = fresh_connection()


def run_job(dbs: Databases, job: dict) -> tuple[dict, bool]:
    """Run one job; return the answer and whether this worker stays healthy."""
    limits = job["limits"]
    budget = _address_space() + int(limits["memory_mb"]) * MB + max(HEADROOM, int(limits["memory_mb"]) * MB // 2)
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (budget if hard == resource.RLIM_INFINITY else min(budget, hard), hard))
    start = time.perf_counter()
    con, new = dbs.get(job)
    stage = "setup"
    try:
        if new:
            try:
                lock_down(con, job)
            except duckdb.Error as exc:
                # The files could not be opened or read as Parquet: a grant that no longer matches its data.
                dbs.drop(job)
                return _failure("policy_error", exc, grant_id=""), True
            for source in job["sources"]:
                stage = source["grant_id"]
                try:
                    con.sql(source["probe"]).fetchall()
                except duckdb.Error as exc:
                    dbs.drop(job)
                    return _failure("policy_error", exc, grant_id=source["grant_id"]), True
        stage = "query"
        table = con.sql(job["sql"]).to_arrow_table()
        truncated = table.num_rows > job["max_rows"]
        if truncated:
            table = table.slice(0, job["max_rows"])
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
        data = sink.getvalue()
        if data.size > int(limits["max_result_mb"]) * MB:
            return {"status": "error", "code": "result_too_large", "error_type": ""}, True
        elapsed = (time.perf_counter() - start) * 1e3
        return {"status": "ok", "ipc": data.to_pybytes(), "truncated": truncated, "elapsed_ms": elapsed}, True
    except duckdb.InterruptException as exc:
        return _failure("timeout", exc), True
    except _MEMORY_ERRORS as exc:
        return _failure("memory_limit", exc), False
    except duckdb.Error as exc:
        return _failure("query_failed", exc), True
    except Exception as exc:  # noqa: BLE001 - anything else is reported by type; the worker is replaced
        print(f"gateway worker: {stage}: {type(exc).__name__}", file=sys.stderr)
        return _failure("query_failed", exc), False
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


def _watch_parent(parent: int) -> None:
    """Exit when the parent dies while we run a query (a query nobody waits for must not go on)."""
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(EXIT_ORPHANED)


def main() -> int:
    # The protocol owns the real stdout; anything a library prints goes to stderr (the log).
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    inp = sys.stdin.buffer
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    warm = fresh_connection()
    warm.execute("SELECT sum(range) FROM range(1000)").fetchall()
    warm.close()
    dbs = Databases()
    wire.write(out, {"status": "ready", "pid": os.getpid()})
    while True:
        try:
            job = wire.read(inp)
        except EOFError:
            return 0
        answer, healthy = run_job(dbs, job)
        answer["healthy"] = healthy
        try:
            wire.write(out, answer)
        except MemoryError:
            return 75
        if not healthy:
            return 0
        dbs.tidy()


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)
