"""Periodic background work on django-tasks, which has no scheduler of its own.

A periodic task re-enqueues itself (`run_after`) at the end of each run; `zhongshu serve` calls each
app's `ensure_scheduled()` at start, which uses `ensure_enqueued` to start the cycle exactly once.
"""

from __future__ import annotations

from typing import Any


def ensure_enqueued(task: Any, *args: Any) -> bool:
    """Enqueue `task(*args)` unless a run of it is already waiting; True when one was enqueued."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(task_path=task.module_path, status="READY").exists()
    if not waiting:
        task.enqueue(*args)
    return not waiting
