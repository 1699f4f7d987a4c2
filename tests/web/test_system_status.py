"""The system administrator's status page and the worker supervisor behind it."""

from __future__ import annotations

import datetime as dt
import os
import sys
import time

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from zhongshu.audit.models import AuditEvent
from zhongshu.web import supervisor
from zhongshu.web.supervisor import Supervisor, WorkerState, read_state, write_state


def test_the_page_shows_worker_tasks_disk_and_limits(client, login, settings):
    login("sysadmin")
    page = client.get("/system/status/").content.decode()
    assert "系统状态" in page and "本机尚未运行进程监护" in page  # no supervisor ran in this data dir
    assert "ZHONGSHU_LOAD_MEMORY_MB" in page and "8192" in page and "ZHONGSHU_LOAD_MAX_COLUMNS" in page
    assert str(settings.ZHONGSHU_DATA_DIR) in page and "可用空间" in page
    now = timezone.now().isoformat()
    write_state(WorkerState(state="running", pid=os.getpid(), restarts=2, in_a_row=1, last_exit_code=-9,
                            last_exit_at=now, started_at=now, heartbeat_at=now))
    page = client.get("/system/status/").content.decode()
    assert "运行正常" in page and '<td data-testid="restarts">2</td>' in page and "-9" in page
    # write_state stamps nothing itself: a state whose heartbeat is old means nobody watches the worker
    write_state(WorkerState(state="running", pid=os.getpid(),
                            heartbeat_at=(timezone.now() - dt.timedelta(minutes=5)).isoformat()))
    assert "无人监护后台任务进程" in client.get("/system/status/").content.decode()
    write_state(WorkerState(state="gave_up", in_a_row=5, max_restarts=5))
    assert "已停止重启" in client.get("/system/status/").content.decode()


def test_the_page_is_the_system_administrators_only(client, login):
    assert client.get("/system/status/").status_code == 302  # to the login page
    login("steward", department="gaj")
    assert client.get("/system/status/").status_code == 403
    client.logout()
    login("auditor")
    assert client.get("/system/status/").status_code == 403


def test_the_navigation_links_it_for_the_system_administrator(client, login):
    login("sysadmin")
    assert 'href="/system/status/"' in client.get("/").content.decode()
    client.logout()
    login("leader")
    assert 'href="/system/status/"' not in client.get("/").content.decode()


def test_tasks_of_a_dead_worker_are_failed(db):
    mine = DBTaskResult.objects.create(status="RUNNING", args_kwargs={"args": [], "kwargs": {}}, task_path="a.b.run",
                                       worker_ids=["old", "dead"], backend_name="default", run_after=timezone.now())
    other = DBTaskResult.objects.create(status="RUNNING", args_kwargs={"args": [], "kwargs": {}}, task_path="a.b.c",
                                        worker_ids=["alive"], backend_name="default", run_after=timezone.now())
    assert supervisor.fail_orphaned_tasks("dead", -9) == 1
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.status == "FAILED" and "exit status -9" in mine.traceback and other.status == "RUNNING"


@pytest.mark.slow
def test_a_worker_that_keeps_dying_is_restarted_with_backoff_then_given_up(db, tmp_path):
    exits: list[int] = []
    sup = Supervisor([sys.executable, "-c", "import sys; sys.exit(3)"], max_restarts=2,
                     on_exit=lambda code, worker_id: exits.append(code), path=tmp_path / "worker.json")
    start = time.monotonic()
    sup.run()  # in the foreground: returns when it gives up
    took = time.monotonic() - start
    assert took < 20
    state = read_state(tmp_path / "worker.json")
    assert (state.restarts, state.in_a_row, state.last_exit_code, state.pid) == (2, 2, 3, None)
    assert took >= 3  # waited 1 s, then 2 s
    assert exits == [3, 3, 3]
    actions = list(AuditEvent.objects.filter(action__startswith="worker.").values_list("action", "outcome"))
    assert actions == [("worker.restarted", "success")] * 2 + [("worker.gave_up", "failure")]
    sup.stop()
    assert read_state(tmp_path / "worker.json").state == "stopped"
