"""`Gateway`: a pool of warm sandbox workers that compiles, runs and answers queries (thread-safe).

Each call compiles the query (refusals happen here, before any worker is involved), takes an
idle worker (waiting at most `Limits.queue_s`, else "busy"), sends it the compiled SQL and the
views to prepare, and waits at most `timeout_s` + a grace period. A worker that overruns is
killed with SIGKILL; one that dies (the memory cap, the kernel's OOM killer, a crash) is
reaped; either way a fresh worker is started in its place and the caller gets a `GatewayError`
with a plain message — never the engine's text. Other queries keep running on the other
workers: nothing a query does reaches beyond its own process.

Workers are started when the pool is made, so queries do not pay for process start, and are
recycled after `max_jobs` queries to keep long-lived heaps small.
"""

from __future__ import annotations

import logging
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from typing import Any

import pyarrow as pa

from zhongshu.core import env
from zhongshu.warehouse.gateway import wire
from zhongshu.warehouse.gateway.compiler import Compiled, compile
from zhongshu.warehouse.gateway.errors import GatewayError
from zhongshu.warehouse.gateway.policy import Limits, TablePolicy
from zhongshu.warehouse.gateway.result import Result, rows_of

log = logging.getLogger("zhongshu.warehouse.gateway")

GRACE_S = 2.0  # beyond timeout_s before the parent kills: DuckDB's own max_execution_time goes first
START_S = 60.0  # longest a new worker may take to import DuckDB and say ready
_MEMORY_SIGNALS = {signal.SIGKILL, signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS}
_EXIT_MEMORY = 75
DEFAULT_LIMITS = Limits()  # frozen, so one shared default is safe


class _StartFailed(Exception):
    """A new worker died or hung before saying ready."""


class _Worker:
    """One sandbox process and its pipes."""

    def __init__(self) -> None:
        env = {**os.environ, "MALLOC_ARENA_MAX": "2"}  # keeps glibc from reserving 64 MB per thread
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "zhongshu.warehouse.gateway.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,
            close_fds=True,
            env=env,
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.stdin = self.proc.stdin
        self.fd = self.proc.stdout.fileno()
        self.ready = False
        self.jobs = 0

    def ask(self, job: dict, seconds: float) -> dict:
        """Send a job and wait `seconds` for the answer (counted once the worker is ready)."""
        if not self.ready:
            try:
                hello = wire.read_until(self.fd, time.monotonic() + START_S)
            except (wire.Deadline, EOFError, OSError):
                raise _StartFailed from None
            if hello.get("status") != "ready":
                raise _StartFailed
            self.ready = True
        wire.write(self.stdin, job)
        self.jobs += 1
        return wire.read_until(self.fd, time.monotonic() + seconds)

    def stop(self, *, kill: bool, dying: bool = False) -> int:
        """End the process (SIGKILL, or close its stdin and let it exit) and return its exit status.

        `dying`: its pipe closed, so it is exiting already; give it a moment so that its own exit
        status (a signal, the memory exit code) is what we read, not our SIGKILL.
        """
        if dying:
            try:
                self.proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                pass
        if kill and self.proc.poll() is None:
            self.proc.kill()
        try:
            self.stdin.close()
        except OSError:
            pass
        try:
            code = self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        assert self.proc.stdout is not None
        self.proc.stdout.close()
        return code


def _message(code: str, limits: Limits, error_type: str = "", grant_id: str = "") -> tuple[str, str]:
    if code == "timeout":
        return (f"the query ran longer than {limits.timeout_s:g} s and was stopped",
                "filter or aggregate earlier, or ask for a higher limit")
    if code == "memory_limit":
        return (f"the query needed more than {limits.memory_mb} MB of memory and was stopped",
                "filter or aggregate earlier, select fewer columns, or avoid large cross joins")
    if code == "result_too_large":
        return (f"the result is larger than {limits.max_result_mb} MB",
                "select fewer columns or rows, or aggregate")
    if code == "policy_error":
        who = f"grant {grant_id}" if grant_id else "a grant used by the query"
        return (f"{who} cannot be used: its columns, row filter or files do not match the data",
                "the data steward must correct the grant")
    if code == "busy":
        return "all query workers are busy", "try again in a moment"
    if error_type in ("BinderException", "CatalogException", "ParserException"):
        what = "a column, table or function in the query does not exist for you, or got arguments of the wrong type"
    elif error_type in ("ConversionException", "OutOfRangeException", "InvalidInputException"):
        what = "a value could not be converted, or a number was out of range, while the query ran"
    else:
        what = "the query failed while running"
    return what, "the engine's own message is not shown: it can contain data values"


class Gateway:
    """A pool of sandbox worker processes; thread-safe; make one per process (see `get_gateway`)."""

    def __init__(self, workers: int | None = None, *, max_jobs: int = 500) -> None:
        self.size = max(1, workers or os.cpu_count() or 1)
        self.max_jobs = max_jobs
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._lock = threading.Lock()
        self._closed = False
        self.restarts = 0  # workers replaced after a kill, a death or a recycle (for tests and status)
        for _ in range(self.size):
            self._idle.put(_Worker())

    # -- public ---------------------------------------------------------------------------------

    def run(
        self, sql: str, policies: Mapping[str, TablePolicy], *, token_key: bytes, limits: Limits = DEFAULT_LIMITS
    ) -> Result:
        """Compile and run one query; rows JSON-safe, at most limits.max_rows of them."""
        start = time.perf_counter()
        compiled = compile(sql, policies, token_key=token_key, limits=limits)
        return self.execute(compiled, token_key=token_key, limits=limits, started=start)

    def run_arrow(
        self, sql: str, policies: Mapping[str, TablePolicy], *, token_key: bytes, limits: Limits = DEFAULT_LIMITS
    ) -> pa.Table:
        """Same path as `run`, the result as an Arrow table (schema metadata: truncated, digest)."""
        compiled = compile(sql, policies, token_key=token_key, limits=limits)
        table, truncated, _ = self._execute(compiled, token_key, limits)
        meta = {b"zhongshu.truncated": b"true" if truncated else b"false", b"zhongshu.digest": compiled.digest.encode()}
        return table.replace_schema_metadata({**(table.schema.metadata or {}), **meta})

    def execute(
        self, compiled: Compiled, *, token_key: bytes, limits: Limits = DEFAULT_LIMITS, started: float | None = None
    ) -> Result:
        """Run an already compiled query (e.g. after auditing its digest)."""
        start = started if started is not None else time.perf_counter()
        table, truncated, _ = self._execute(compiled, token_key, limits)
        rows = rows_of(table)
        return Result(
            columns=tuple(table.column_names),
            rows=rows,
            row_count=len(rows),
            truncated=truncated,
            elapsed_ms=(time.perf_counter() - start) * 1e3,
            digest=compiled.digest,
        )

    def close(self) -> None:
        """Stop the idle workers now and the busy ones when their query ends."""
        with self._lock:
            self._closed = True
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                return
            worker.stop(kill=False)

    def __enter__(self) -> Gateway:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals ------------------------------------------------------------------------------

    def _release(self, worker: _Worker, *, replace: bool, kill: bool = False, dying: bool = False) -> int | None:
        code = None
        if replace or worker.jobs >= self.max_jobs:
            code = worker.stop(kill=kill, dying=dying)
            with self._lock:
                closed = self._closed
                self.restarts += 1
            if not closed:
                self._idle.put(_Worker())
            return code
        with self._lock:
            closed = self._closed
        if closed:
            worker.stop(kill=False)
        else:
            self._idle.put(worker)
        return code

    def _live_worker(self, compiled: Compiled, limits: Limits) -> _Worker:
        """An idle worker whose process is alive (dead ones, e.g. OOM-killed while idle, are replaced)."""
        deadline = time.monotonic() + limits.queue_s
        while True:
            try:
                worker = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise self._fail("busy", compiled, limits) from None
            if worker.proc.poll() is None:
                return worker
            self._release(worker, replace=True)

    def _fail(self, code: str, compiled: Compiled, limits: Limits, error_type: str = "", grant_id: str = "") -> GatewayError:
        log.warning("gateway query %s failed: %s %s", compiled.digest[:16], code, error_type)
        message, hint = _message(code, limits, error_type, grant_id)
        return GatewayError(code, message, hint=hint, error_type=error_type)

    def _execute(self, compiled: Compiled, token_key: bytes, limits: Limits) -> tuple[pa.Table, bool, float]:
        if self._closed:
            raise GatewayError("busy", "the query gateway is shut down", hint="restart the service")
        worker = self._live_worker(compiled, limits)
        job: dict[str, Any] = {
            "sql": compiled.sql,
            "sources": [
                {"name": s.name, "files": list(s.files), "probe": s.probe, "grant_id": s.grant_id}
                for s in compiled.sources
            ],
            "token_key": token_key if compiled.uses_token else None,
            "limits": {
                "memory_mb": limits.memory_mb, "threads": limits.threads,
                "timeout_s": limits.timeout_s, "max_result_mb": limits.max_result_mb,
            },
            "max_rows": compiled.max_rows,
        }
        try:
            try:
                answer = worker.ask(job, limits.timeout_s + GRACE_S)
            except BrokenPipeError:
                # It died while idle (before reading the job): nothing ran; try once more on a fresh one.
                self._release(worker, replace=True, kill=True, dying=True)
                worker = self._live_worker(compiled, limits)
                answer = worker.ask(job, limits.timeout_s + GRACE_S)
        except _StartFailed:
            status = self._release(worker, replace=True, kill=True, dying=True)
            log.error("gateway worker failed to start (exit status %s); see its stderr", status)
            raise self._fail("query_failed", compiled, limits, "worker_start") from None
        except wire.Deadline:
            self._release(worker, replace=True, kill=True)
            raise self._fail("timeout", compiled, limits, "killed") from None
        except (EOFError, OSError):
            status = self._release(worker, replace=True, kill=True, dying=True)
            memory = status == _EXIT_MEMORY or (status is not None and status < 0 and -status in _MEMORY_SIGNALS)
            raise self._fail("memory_limit" if memory else "query_failed", compiled, limits,
                             f"worker exit {status}") from None
        if answer.get("status") != "ok":
            # A worker that ran out of memory exits after answering; reap it and start another.
            self._release(worker, replace=not answer.get("healthy", True))
            raise self._fail(answer["code"], compiled, limits, answer.get("error_type", ""), answer.get("grant_id", ""))
        self._release(worker, replace=False)
        table = pa.ipc.open_stream(answer["ipc"]).read_all()
        log.debug("gateway query %s: %d rows in %.1f ms", compiled.digest[:16], table.num_rows, answer["elapsed_ms"])
        return table, bool(answer["truncated"]), float(answer["elapsed_ms"])


_GATEWAY: Gateway | None = None
_GATEWAY_LOCK = threading.Lock()


def get_gateway() -> Gateway:
    """The process's gateway, started on first use with ZHONGSHU_GATEWAY_WORKERS workers (default: cores)."""
    global _GATEWAY
    with _GATEWAY_LOCK:
        if _GATEWAY is None:
            _GATEWAY = Gateway(env.get("ZHONGSHU_GATEWAY_WORKERS"))
        return _GATEWAY
