"""A load killed with SIGKILL at random points never leaves a partial version visible.

The loader runs as a real `zhongshu ingest` subprocess against its own SQLite database and data
directory; after each kill we check every visible version against its files (sha256, row counts)
and that the interrupted attempt is recorded as failed (after reaping) or absent.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from zhongshu.core.identifiers import make_resident_id

pytestmark = pytest.mark.slow


def _run(env, *args, check=True):
    return subprocess.run([sys.executable, "-m", "zhongshu", *args], env=env, capture_output=True, text=True,
                          check=check, timeout=120)


def _check_visible_versions(db: Path, data: Path, reaped: bool = True) -> int:
    con = sqlite3.connect(db)
    versions = con.execute("SELECT id, rows, attempt_id FROM catalog_version").fetchall()
    for vid, rows, attempt_id in versions:
        files = con.execute("SELECT path, sha256, rows FROM catalog_versionfile WHERE version_id = ?", [vid]).fetchall()
        assert files, f"version {vid} has no files"
        total = 0
        for path, sha, frows in files:
            full = data / "warehouse" / path
            assert full.is_file(), f"version {vid}: {path} missing"
            assert hashlib.sha256(full.read_bytes()).hexdigest() == sha, f"version {vid}: {path} changed"
            assert pq.ParquetFile(full).metadata.num_rows == frows
            total += frows
        assert total == rows
        state = con.execute("SELECT state FROM catalog_loadattempt WHERE id = ?", [attempt_id]).fetchone()[0]
        assert state == "succeeded"
    current = con.execute("SELECT current_version_id FROM catalog_dataset").fetchall()
    ids = {v[0] for v in versions}
    assert all(c[0] in ids for c in current if c[0] is not None)
    # an attempt without a version is failed (after reaping), never half-succeeded
    for aid, state in con.execute("SELECT id, state FROM catalog_loadattempt WHERE id NOT IN "
                                  "(SELECT attempt_id FROM catalog_version WHERE attempt_id IS NOT NULL)"):
        assert state == "failed" or (not reaped and state in ("draft", "queued", "running")), (aid, state)
    con.close()
    return len(versions)


def test_kill_9_never_leaves_a_partial_version(tmp_path):
    data, db = tmp_path / "loader-data", tmp_path / "loader.sqlite3"
    data.mkdir()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "ZHONGSHU_DATA_DIR": str(data)}
    _run(env, "migrate", "--noinput")
    _run(env, "departments", "--sync")
    src = tmp_path / "persons.csv"
    with open(src, "w", encoding="utf-8") as f:
        f.write("身份证号,姓名,年龄\n")
        for i in range(30_000):
            rid = make_resident_id("371122", datetime.date(1950 + i % 60, 1 + i % 12, 1 + i % 28), i % 999 + 1)
            f.write(f"{rid},张伟,{i % 90}\n")
    cmd = ["ingest", str(src), "--dataset", "人口", "--department", "gaj", "--no-progress"]
    start = time.monotonic()
    _run(env, *cmd)
    duration = time.monotonic() - start
    assert _check_visible_versions(db, data) == 1

    rng = random.Random(20240611)
    kills = 0
    for _ in range(5):
        proc = subprocess.Popen([sys.executable, "-m", "zhongshu", *cmd], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, duration * 0.9))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
        _check_visible_versions(db, data, reaped=False)  # the next run reaps the killed one
    assert kills >= 2
    _run(env, "ingest", "--reap")
    _check_visible_versions(db, data)
    leftovers = list((data / "warehouse").rglob("attempt-*"))
    assert not leftovers, leftovers
    _run(env, *cmd)  # the hub still loads afterwards
    assert _check_visible_versions(db, data) >= 2
