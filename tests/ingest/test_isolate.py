"""Loads in a child process: same results as in-process, errors that keep their meaning, no orphans."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from zhongshu.core.errors import InvalidInput, ZhongshuError
from zhongshu.ingest.isolate import run_load
from zhongshu.ingest.limits import LimitExceeded, Limits
from zhongshu.ingest.load import load_file
from zhongshu.ingest.model import FieldSpec, LoadFailed


def _csv(path: Path, rows: int, bad: tuple[int, ...] = ()) -> Path:
    lines = ["编号,年龄"] + [f"{i},{'未知' if i + 2 in bad else 20 + i % 50}" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_child_loads_what_the_library_loads(tmp_path):
    src = _csv(tmp_path / "a.csv", 200)
    steps = []
    child = run_load(src, tmp_path / "child", limits=Limits(), progress=lambda step, f: steps.append(step))
    here = load_file(src, tmp_path / "here")
    assert (child.rows, child.fields, child.source_sha256) == (here.rows, here.fields, here.source_sha256)
    assert Path(child.files[0].path).is_file() and "write" in steps  # progress came through


def test_errors_come_back_as_themselves(tmp_path):
    with pytest.raises(LoadFailed) as info:
        run_load(_csv(tmp_path / "bad.csv", 20, bad=(3, 4, 5)), tmp_path / "o1", limits=Limits(),
                 columns=[FieldSpec("年龄", "integer")])
    assert info.value.bad_rows == 3 and [r.line for r in info.value.rejects] == [3, 4, 5]
    with pytest.raises(LimitExceeded) as info:
        run_load(_csv(tmp_path / "wide.csv", 5), tmp_path / "o2", limits=Limits(max_columns=1))
    assert info.value.setting == "ZHONGSHU_LOAD_MAX_COLUMNS" and info.value.field == "columns"
    with pytest.raises(InvalidInput, match="does not exist"):
        run_load(tmp_path / "missing.csv", tmp_path / "o3", limits=Limits())


def test_an_unexpected_error_in_the_child_is_an_internal_error_without_details(tmp_path):
    with pytest.raises(ZhongshuError, match=r"internal error while loading \(TypeError\)"):
        run_load(_csv(tmp_path / "a.csv", 5), tmp_path / "o", limits=Limits(), no_such_option=1)


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                cmd = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid and b"zhongshu.ingest.isolate" in cmd:
                out.append(int(entry.name))
    return out


@pytest.mark.slow
def test_a_load_whose_parent_is_killed_stops(tmp_path):
    """The worker killed with SIGKILL mid-load: its loading child sees the lifeline close and exits."""
    src = tmp_path / "big.csv"
    with open(src, "w", encoding="utf-8") as f:
        f.write("编号,名称,金额\n")
        for i in range(1_500_000):
            f.write(f"{i},企业{i},{i % 1000}.5\n")
    code = ("import sys; from zhongshu.ingest.isolate import run_load; from zhongshu.ingest.limits import Limits; "
            f"run_load({str(src)!r}, {str(tmp_path / 'out')!r}, limits=Limits())")
    parent = subprocess.Popen([sys.executable, "-c", code])
    deadline = time.monotonic() + 20
    children: list[int] = []
    while not children and time.monotonic() < deadline and parent.poll() is None:
        children = _children(parent.pid)
        time.sleep(0.05)
    assert children, "the loading child never started"
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{c}").exists() and
                                              "Z" not in Path(f"/proc/{c}/stat").read_text().split(")")[1][:3]
                                              for c in children):
        time.sleep(0.05)
    alive = [c for c in children if Path(f"/proc/{c}").exists()
             and Path(f"/proc/{c}/stat").read_text().split(")")[1].split()[0] != "Z"]
    assert not alive, "the loading child outlived its parent"
    assert not (tmp_path / "out" / "part-00000.parquet").exists()  # it stopped, it did not finish
