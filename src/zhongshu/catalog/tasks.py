"""Background work for the catalog (django-tasks; `zhongshu serve` runs the database worker)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_attempt(attempt_id: int) -> str:
    """Run one queued load attempt."""
    from zhongshu.catalog import ingestion

    return ingestion.execute(attempt_id).state


@task()
def refresh_due_sources() -> int:
    """The periodic check: enqueue a load for every database source whose refresh is due."""
    from zhongshu.catalog import ingestion, sources

    ingestion.reap_interrupted()
    return len(sources.refresh_due())
