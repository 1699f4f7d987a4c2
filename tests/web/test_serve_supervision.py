"""`zhongshu serve` keeps its worker: killed with SIGKILL, it is restarted, and loads go on.

A real `zhongshu serve` on a loopback port with its own SQLite database and data folder; the
worker is killed with SIGKILL; the supervisor restarts it (bounded wait); a load queued after the
kill is then run by the new worker. SIGTERM to serve stops the worker with it.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

QUEUE_LOAD = """
import sys, django
django.setup()
from zhongshu.accounts.system import SYSTEM
from zhongshu.catalog import ingestion
ds = ingestion.find_or_create_dataset(SYSTEM, "人口", "gaj")
attempt = ingestion.new_attempt(SYSTEM, ds, path=sys.argv[1], via="cli")
print(ingestion.start(SYSTEM, attempt).pk)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(what: str, check, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"waited {seconds} s for {what}")


def _state(data: Path) -> dict:
    try:
        return json.loads((data / "run" / "worker.json").read_text())
    except (OSError, ValueError):
        return {}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not stat.exists() or stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"


def test_serve_restarts_a_killed_worker_and_loads_go_on(tmp_path):
    data, db = tmp_path / "hub-data", tmp_path / "hub.sqlite3"
    data.mkdir()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "ZHONGSHU_DATA_DIR": str(data)}
    for args in (["migrate", "--noinput"], ["departments", "--sync"]):
        subprocess.run([sys.executable, "-m", "zhongshu", *args], env=env, check=True, capture_output=True, timeout=120)
    port = _free_port()
    serve = subprocess.Popen([sys.executable, "-m", "zhongshu", "serve", "--port", str(port)], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        first = _wait("the worker to start", lambda: _state(data).get("pid"), 60)
        _wait("the web server", lambda: _get(f"http://127.0.0.1:{port}/healthz"), 30)
        os.kill(first, signal.SIGKILL)
        second = _wait("the worker to be restarted",
                       lambda: (s := _state(data)).get("state") == "running" and s.get("pid") not in (None, first)
                       and s["pid"], 30)
        state = _state(data)
        assert state["restarts"] == 1 and state["last_exit_code"] == -signal.SIGKILL
        assert _alive(second)

        src = tmp_path / "p.csv"
        src.write_text("编号,姓名,年龄\n" + "".join(f"{i},张{i},{20 + i % 50}\n" for i in range(500)), encoding="utf-8")
        out = subprocess.run([sys.executable, "-c", QUEUE_LOAD, str(src)], env={**env, "DJANGO_SETTINGS_MODULE":
                             "zhongshu.settings"}, capture_output=True, text=True, timeout=60, check=True)
        attempt_id = int(out.stdout.strip().splitlines()[-1])

        def loaded():
            con = sqlite3.connect(db, timeout=20)
            try:
                row = con.execute("SELECT state, rows_loaded FROM catalog_loadattempt WHERE id = ?", [attempt_id]).fetchone()
            finally:
                con.close()
            return row if row and row[0] in ("succeeded", "failed") else None

        assert _wait("the queued load", loaded, 60) == ("succeeded", 500)
        con = sqlite3.connect(db, timeout=20)
        restarted = con.execute("SELECT details FROM audit_auditevent WHERE action = 'worker.restarted'").fetchall()
        con.close()
        assert len(restarted) == 1 and json.loads(restarted[0][0])["exit_code"] == -signal.SIGKILL
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=30)
    assert _state(data)["state"] == "stopped"
    assert not _alive(second), "the worker outlived serve"


def _get(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:  # noqa: S310 - loopback only
            return r.status == 200
    except OSError:
        return False
