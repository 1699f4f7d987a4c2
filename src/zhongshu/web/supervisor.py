"""Keep the background worker alive: `zhongshu serve` starts it, watches it and restarts it.

The worker (`zhongshu db_worker`) is a child process of `serve`. A thread here polls it twice a
second. When it exits — killed by the kernel, crashed, stopped by hand — the supervisor cleans up
after it (`on_exit`: its half-done task is marked failed, its load attempts reaped), waits 1, 2,
4 … up to 60 seconds and starts a new one, auditing `worker.restarted`. A worker that stays up
`STABLE_SECONDS` resets the count; after `max_restarts` restarts in a row without that, the
supervisor stops trying, logs it, audits `worker.gave_up`, and says so in its state.

The state (pid, restarts, last exit, a heartbeat written every `HEARTBEAT_SECONDS`) is kept in
`<ZHONGSHU_DATA_DIR>/run/worker.json`, replaced atomically, where the system-status page reads it
(`web.status`): a heartbeat older than `STALE_SECONDS` means nobody is watching the worker.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from zhongshu.accounts.system import SYSTEM
from zhongshu.audit.services import Event, record

log = logging.getLogger("zhongshu.web.supervisor")

HEARTBEAT_SECONDS = 2.0
STALE_SECONDS = 15.0
STABLE_SECONDS = 600.0
MAX_BACKOFF_SECONDS = 60.0
POLL_SECONDS = 0.5


def state_path() -> Path:
    return Path(settings.ZHONGSHU_DATA_DIR) / "run" / "worker.json"


@dataclass
class WorkerState:
    """What the supervisor knows of the worker; times are ISO 8601 UTC strings."""

    state: str = "starting"  # starting, running, restarting, gave_up, stopped
    pid: int | None = None
    worker_id: str = ""
    supervisor_pid: int = field(default_factory=os.getpid)
    started_at: str = ""
    heartbeat_at: str = ""
    restarts: int = 0  # since serve started
    in_a_row: int = 0  # restarts without a stable run in between
    max_restarts: int = 5
    last_exit_code: int | None = None
    last_exit_at: str = ""
    next_start_at: str = ""


def _now() -> str:
    return timezone.now().isoformat()


def read_state(path: Path | None = None) -> WorkerState | None:
    """The last state the supervisor wrote, or None when no supervisor has run here."""
    p = path or state_path()
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    known = set(WorkerState.__dataclass_fields__)
    return WorkerState(**{k: v for k, v in data.items() if k in known})


def write_state(state: WorkerState, path: Path | None = None) -> None:
    """Replace the state file atomically (a reader never sees half of it)."""
    p = path or state_path()
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(f".{p.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(asdict(state)), encoding="utf-8")
    os.replace(tmp, p)


def fail_orphaned_tasks(worker_id: str, exit_code: int | None) -> int:
    """Mark the tasks a dead worker had claimed as failed (django-tasks leaves them RUNNING)."""
    n = 0
    for result in DBTaskResult.objects.filter(status="RUNNING"):
        if result.worker_ids and result.worker_ids[-1] == worker_id:
            DBTaskResult.objects.filter(pk=result.pk, status="RUNNING").update(
                status="FAILED", finished_at=timezone.now(),
                exception_class_path="zhongshu.web.supervisor.WorkerStopped",
                traceback=f"the worker process stopped while running this task (exit status {exit_code})")
            n += 1
    return n


class Supervisor:
    """Runs `command` (plus `--worker-id`) and restarts it when it exits, in a daemon thread."""

    def __init__(self, command: Sequence[str], *, max_restarts: int, on_exit: Callable[[int, str], Any] | None = None,
                 path: Path | None = None, stable_seconds: float = STABLE_SECONDS) -> None:
        self.command = list(command)
        self.on_exit = on_exit
        self.path = path or state_path()
        self.stable_seconds = stable_seconds
        self.state = WorkerState(max_restarts=max_restarts)
        self.proc: subprocess.Popen | None = None
        self._started = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="worker-supervisor", daemon=True)

    def start(self) -> None:
        """Start the worker and watch it from a daemon thread."""
        self._spawn()
        self._thread.start()

    def run(self) -> None:
        """Start the worker and watch it in this thread until `stop()` or giving up (tests use this)."""
        self._spawn()
        self._run()

    def _release_connection(self) -> None:
        # The watching thread owns its database connection; close it when unusable or stale so a
        # database restart does not leave the supervisor unable to audit. Run in the foreground,
        # the caller's connection is the caller's business.
        if threading.current_thread() is self._thread:
            close_old_connections()

    def stop(self) -> None:
        """Stop watching and end the worker (SIGTERM: it finishes its current step; then SIGKILL)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.state.state, self.state.pid = "stopped", None
        self._write()

    def _write(self) -> None:
        self.state.heartbeat_at = _now()
        try:
            write_state(self.state, self.path)
        except OSError as exc:  # a full disk must not stop the supervision itself
            log.warning("cannot write the worker state file: %s", exc.strerror)

    def _spawn(self) -> None:
        worker_id = uuid.uuid4().hex
        self.proc = subprocess.Popen([*self.command, "--worker-id", worker_id])
        self._started = time.monotonic()
        self.state.state, self.state.pid, self.state.worker_id = "running", self.proc.pid, worker_id
        self.state.started_at, self.state.next_start_at = _now(), ""
        self._write()

    def _run(self) -> None:
        last_beat = time.monotonic()
        while not self._stop.is_set():
            assert self.proc is not None
            code = self.proc.poll()
            if code is None:
                if time.monotonic() - last_beat >= HEARTBEAT_SECONDS:
                    self._write()
                    last_beat = time.monotonic()
                self._stop.wait(POLL_SECONDS)
                continue
            if self._stop.is_set():
                break
            if not self._exited(code):
                return
            last_beat = time.monotonic()

    def _exited(self, code: int) -> bool:
        """Handle one exit of the worker; False when the supervisor gives up."""
        lived = time.monotonic() - self._started
        dead_id = self.state.worker_id
        self.state.last_exit_code, self.state.last_exit_at, self.state.pid = code, _now(), None
        if lived >= self.stable_seconds:
            self.state.in_a_row = 0
        log.warning("background worker (pid %s) exited with status %s after %.0f s", self.proc.pid, code, lived)
        self._cleanup(code, dead_id)
        if self.state.in_a_row >= self.state.max_restarts:
            self.state.state = "gave_up"
            self._write()
            log.error("background worker stopped %d times in a row; not restarting it (ZHONGSHU_WORKER_MAX_RESTARTS)",
                      self.state.in_a_row + 1)
            self._audit("worker.gave_up", code, "failure",
                        f"stopped {self.state.in_a_row + 1} times in a row; not restarted")
            return False
        delay = min(2.0 ** self.state.in_a_row, MAX_BACKOFF_SECONDS)
        self.state.state = "restarting"
        self.state.next_start_at = (timezone.now() + dt.timedelta(seconds=delay)).isoformat()
        self._write()
        if self._stop.wait(delay):
            return False
        self.state.in_a_row += 1
        self.state.restarts += 1
        self._spawn()
        self._audit("worker.restarted", code, "success", f"exit status {code}")
        return True

    def _cleanup(self, code: int, worker_id: str) -> None:
        try:
            fail_orphaned_tasks(worker_id, code)
            if self.on_exit is not None:
                self.on_exit(code, worker_id)
        except Exception:  # noqa: BLE001 - cleanup must not stop the restart; the log has it
            log.exception("cleaning up after the background worker failed")
        finally:
            self._release_connection()

    def _audit(self, action: str, code: int, outcome: str, reason: str) -> None:
        try:
            with transaction.atomic():
                record(SYSTEM, Event(action, "worker", self.state.worker_id or "-", outcome, reason,
                                     details={"exit_code": code, "restarts": self.state.restarts}))
        except Exception:  # noqa: BLE001 - an audit failure must not stop the supervision
            log.exception("cannot audit %s", action)
        finally:
            self._release_connection()
