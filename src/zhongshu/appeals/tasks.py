"""Background work for appeals: the periodic deadline check (催办 alerts for near-due and overdue).

django-tasks has no scheduler, so the check re-enqueues itself to run again after
`INTERVAL`; `ensure_scheduled()` starts the cycle (call it when the worker starts, or run
`zhongshu appeals check-deadlines` from cron instead).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from zhongshu.core.tasks import ensure_enqueued

INTERVAL = dt.timedelta(minutes=15)


@task()
def check_deadlines(reschedule: bool = True) -> dict[str, int]:
    """Raise near-due and overdue alerts; then schedule the next run."""
    from zhongshu.appeals.services import check_deadlines as check

    counts = check()
    if reschedule:
        check_deadlines.using(run_after=timezone.now() + INTERVAL).enqueue(True)
    return counts


def ensure_scheduled() -> bool:
    """Start the periodic cycle unless a run is already waiting; True when one was enqueued."""
    return ensure_enqueued(check_deadlines, True)
