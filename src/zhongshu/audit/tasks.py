"""Periodic audit work: summaries of repeated failures, then a signed checkpoint of the chain.

django-tasks has no scheduler, so `periodic` re-enqueues itself every
`ZHONGSHU_AUDIT_CHECKPOINT_MINUTES`; `zhongshu serve` calls `ensure_scheduled()` at start. Cron
running `zhongshu audit checkpoint` does the same without a worker.

The summaries are written first, so the checkpoint covers them. A periodic checkpoint is written
only when the chain has grown, and is not itself audited (the checkpoint line is its record;
auditing it would grow the chain every run); a refused one is audited and logged as an error.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from zhongshu.accounts.system import SYSTEM
from zhongshu.audit.services import flush_repeats, write_checkpoint
from zhongshu.core.tasks import ensure_enqueued


@task()
def periodic(reschedule: bool = True) -> dict[str, object]:
    """Write ended repeat windows' summaries, then checkpoint the head; schedule the next run."""
    try:
        summaries = flush_repeats()
        outcome = write_checkpoint(SYSTEM, audited=False, only_if_grown=True)
        return {"summaries": summaries, "checkpoint": outcome.status,
                "seq": outcome.checkpoint.seq if outcome.checkpoint else None, "problem": outcome.problem}
    finally:
        if reschedule:  # even after a failure: a broken run must not end the schedule
            interval = dt.timedelta(minutes=settings.ZHONGSHU_AUDIT_CHECKPOINT_MINUTES)
            periodic.using(run_after=timezone.now() + interval).enqueue(True)


def ensure_scheduled() -> bool:
    """Start the periodic cycle unless a run is already waiting; True when one was enqueued."""
    return ensure_enqueued(periodic, True)
