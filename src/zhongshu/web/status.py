"""System status for the system administrator: is the worker alive, is work piling up, is the disk full.

Only machine facts: the supervisor's view of the worker (`web.supervisor` state file), task and
load counts by state, free space in the data folder, and the load limits in force. No business
data (the system administrator reads none): tasks are named by their function, loads only counted.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from zhongshu.accounts.permissions import ensure
from zhongshu.catalog.ingestion import load_limits
from zhongshu.catalog.models import LoadAttempt
from zhongshu.ingest import limits as ingest_limits
from zhongshu.ingest.limits import size_text
from zhongshu.web import supervisor

LOW_DISK_SHARE = 0.10  # warn below this share of free space in the data folder
RECENT = dt.timedelta(hours=24)


def _parse(when: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(when) if when else None
    except ValueError:
        return None


def _pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def worker_status(now: dt.datetime | None = None) -> dict[str, Any]:
    """The supervisor's last word on the worker, and whether it still holds."""
    now = now or timezone.now()
    state = supervisor.read_state()
    if state is None:
        return {"known": False, "alive": False, "state": "unknown"}
    beat = _parse(state.heartbeat_at)
    age = (now - beat).total_seconds() if beat else None
    fresh = age is not None and age <= supervisor.STALE_SECONDS
    alive = fresh and state.state == "running" and _pid_alive(state.pid)
    shown = state.state if fresh or state.state in ("gave_up", "stopped") else "no_supervisor"
    return {"known": True, "alive": alive, "state": shown, "pid": state.pid, "heartbeat_at": beat,
            "heartbeat_age": round(age) if age is not None else None, "restarts": state.restarts,
            "in_a_row": state.in_a_row, "max_restarts": state.max_restarts, "last_exit_code": state.last_exit_code,
            "last_exit_at": _parse(state.last_exit_at), "started_at": _parse(state.started_at),
            "next_start_at": _parse(state.next_start_at)}


def task_counts(now: dt.datetime | None = None) -> dict[str, Any]:
    """Background tasks by state: waiting now, scheduled later, running, failed (all and last 24 h)."""
    now = now or timezone.now()
    by = {r["status"]: r["n"] for r in DBTaskResult.objects.order_by().values("status").annotate(n=Count("id"))}
    ready = DBTaskResult.objects.filter(status="READY")
    running = [{"task": r.task_path.rsplit(".", 1)[-1], "started_at": r.started_at}
               for r in DBTaskResult.objects.filter(status="RUNNING").order_by("started_at")[:20]]
    return {
        "queued": ready.filter(run_after__lte=now).count(),
        "scheduled": ready.filter(run_after__gt=now).count(),
        "running": by.get("RUNNING", 0),
        "failed": by.get("FAILED", 0),
        "failed_recent": DBTaskResult.objects.filter(status="FAILED", finished_at__gte=now - RECENT).count(),
        "succeeded_recent": DBTaskResult.objects.filter(status="SUCCESSFUL", finished_at__gte=now - RECENT).count(),
        "running_tasks": running,
    }


def load_counts(now: dt.datetime | None = None) -> dict[str, int]:
    """Load attempts by state (counts only)."""
    now = now or timezone.now()
    State = LoadAttempt.State
    return {
        "queued": LoadAttempt.objects.filter(state=State.QUEUED).count(),
        "running": LoadAttempt.objects.filter(state=State.RUNNING).count(),
        "failed_recent": LoadAttempt.objects.filter(state=State.FAILED, finished_at__gte=now - RECENT).count(),
    }


def disk() -> dict[str, Any]:
    """Free space where the data folder lives."""
    path = Path(settings.ZHONGSHU_DATA_DIR)
    usage = shutil.disk_usage(path)
    share = usage.free / usage.total if usage.total else 0.0
    return {"path": str(path), "free": size_text(usage.free), "total": size_text(usage.total),
            "free_share": round(100 * share, 1), "low": share < LOW_DISK_SHARE}


def limits_in_force() -> list[dict[str, str]]:
    """Each load limit with the setting that holds it, in the setting's own unit."""
    values = load_limits().as_dict()
    return [{"setting": setting, "value": str(values[field] // unit)}
            for field, (setting, unit) in ingest_limits.SETTINGS.items()] + [
        {"setting": "ZHONGSHU_WORKER_MAX_RESTARTS", "value": str(settings.ZHONGSHU_WORKER_MAX_RESTARTS)}]


def system_status(actor: Any) -> dict[str, Any]:
    """Everything the system-status page shows (system administrator)."""
    ensure(actor, "system.status")
    now = timezone.now()
    return {"worker": worker_status(now), "tasks": task_counts(now), "loads": load_counts(now), "disk": disk(),
            "limits": limits_in_force(), "now": now}
