"""Background work for the catalog (django-tasks; `zhongshu serve` runs the database worker).

django-tasks has no scheduler, so the periodic check (`refresh_due_sources`: reap interrupted
loads, then refresh every database source that is due) re-enqueues itself to run again after
`INTERVAL`; `ensure_scheduled()` starts the cycle and `zhongshu serve` calls it. Cron running
`zhongshu ingest --refresh-due` does the same without a worker.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from zhongshu.core.tasks import ensure_enqueued

INTERVAL = dt.timedelta(minutes=5)


@task()
def run_attempt(attempt_id: int) -> str:
    """Run one queued load attempt."""
    from zhongshu.catalog import ingestion

    return ingestion.execute(attempt_id).state


@task()
def refresh_due_sources(reschedule: bool = False) -> int:
    """The periodic check: reap dead loads, enqueue a load for every source whose refresh is due."""
    from zhongshu.catalog import ingestion, sources

    try:
        ingestion.reap_interrupted()
        return len(sources.refresh_due())
    finally:
        if reschedule:  # even after a failure: one broken source must not stop the schedule
            refresh_due_sources.using(run_after=timezone.now() + INTERVAL).enqueue(True)


def ensure_scheduled() -> bool:
    """Start the periodic cycle unless a run is already waiting; True when one was enqueued."""
    return ensure_enqueued(refresh_due_sources, True)
