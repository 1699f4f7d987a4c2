"""Database sources: register by URL (credentials encrypted), bind tables or a query to datasets,
refresh by hand or on a schedule (`refresh_due`: the self-rescheduling task that `zhongshu serve`
starts, see `catalog.tasks`, or `zhongshu ingest --refresh-due` from cron; see docs/catalog.md).

Connecting, listing and extracting are `zhongshu.ingest.dbsource`'s work; this module keeps the
catalog's side: who may register what, the encrypted URL, bindings and the schedule. Every
connection goes through `_database`, which asks the allow-list (`source_policy.check`) first —
at registration, table listing, each refresh and each extract — and passes the connect and read
timeouts (`ZHONGSHU_SOURCE_CONNECT_TIMEOUT`, `ZHONGSHU_SOURCE_READ_TIMEOUT`)."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zhongshu.accounts.permissions import ensure
from zhongshu.accounts.system import SYSTEM
from zhongshu.audit.services import Event, record
from zhongshu.catalog import crypto, source_policy
from zhongshu.catalog.models import LoadAttempt, Source, SourceBinding
from zhongshu.catalog.services import department, find_or_create_dataset
from zhongshu.core.errors import InvalidInput, NotFound, ZhongshuError
from zhongshu.ingest.dbsource import DatabaseSource, check_select, redact_url
from zhongshu.ingest.model import LoadResult

log = logging.getLogger(__name__)


def _database(actor: Any, url: str, source: Source | None = None) -> DatabaseSource:
    """The source's database, after the allow-list admitted it (the only way this app connects)."""
    endpoint = source_policy.check(actor, url, source=source)
    return DatabaseSource(url, endpoint=endpoint, connect_timeout=settings.ZHONGSHU_SOURCE_CONNECT_TIMEOUT,
                          read_timeout=settings.ZHONGSHU_SOURCE_READ_TIMEOUT)


def list_tables(actor: Any, url: str) -> list[str]:
    """Connect and list tables (to choose from before saving the source)."""
    ensure(actor, "catalog.sources")
    return _database(actor, url).tables()


def parse_minutes(text: str | int | None) -> int | None:
    """A refresh interval typed into a form: empty → None (refresh by hand).

    >>> parse_minutes(""), parse_minutes(" 60 ")
    (None, 60)
    """
    value = str(text if text is not None else "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise InvalidInput("refresh_minutes", "give the interval in whole minutes", hint="e.g. 1440 for daily")
    return int(value)


def create_database_source(actor: Any, *, name: str, department_code: str, url: str,
                           tables: dict[str, str] | None = None, query: str = "", query_dataset: str = "",
                           refresh_minutes: int | None = None) -> Source:
    """Register a database: `tables` maps table → dataset name; or one `query` → `query_dataset`."""
    dept = department(department_code)
    ensure(actor, "catalog.sources", dept)
    name = (name or "").strip()
    if not name:
        raise InvalidInput("name", "a source needs a name", hint="e.g. 公安局户籍库")
    if not tables and not query:
        raise InvalidInput("tables", "choose at least one table, or write a query", hint="tick the tables to load")
    if query and not query_dataset:
        raise InvalidInput("query_dataset", "a query needs the dataset name it loads into")
    if refresh_minutes is not None and int(refresh_minutes) < 5:
        raise InvalidInput("refresh_minutes", "refresh at most every 5 minutes", hint="e.g. 1440 for daily")
    db = _database(actor, url)
    if query:
        query = check_select(query, db.dialect)  # refuse anything but one SELECT before storing it
    available = db.tables()  # proves the URL works before anything is stored
    missing = [t for t in (tables or {}) if t not in available]
    if missing:
        raise InvalidInput("tables", f"not in this database: {', '.join(missing)}", hint="pick from: " + ", ".join(available[:20]))
    with transaction.atomic():
        source = Source.objects.create(
            kind=Source.Kind.DATABASE, name=name, department=dept, display_url=redact_url(url), secret=crypto.encrypt(url),
            refresh_minutes=refresh_minutes,
            next_refresh_at=timezone.now() + timedelta(minutes=refresh_minutes) if refresh_minutes else None,
            created_by=getattr(actor, "username", "system"))
        for table, ds_name in (tables or {}).items():
            ds = find_or_create_dataset(actor, ds_name or table, dept.code)
            SourceBinding.objects.create(source=source, dataset=ds, table=table)
        if query:
            ds = find_or_create_dataset(actor, query_dataset, dept.code)
            SourceBinding.objects.create(source=source, dataset=ds, query=query)
        record(actor, Event("catalog.source.created", "source", source.pk,
                            details={"url": redact_url(url), "bindings": source.bindings.count(), "refresh_minutes": refresh_minutes}))
    return source


def get_source(actor: Any, pk: int) -> Source:
    ensure(actor, "catalog.read")
    source = Source.objects.select_related("department").filter(pk=pk).first()
    if source is None:
        raise NotFound("source", pk)
    return source


def list_sources(actor: Any):
    ensure(actor, "catalog.read")
    return Source.objects.select_related("department").prefetch_related("bindings__dataset")


def extract(binding: SourceBinding, out_dir: Path) -> LoadResult:
    """Pull a binding's rows into `out_dir` as Parquet (called by the loader)."""
    # checked again at every extract: the rule that admitted the source may be gone since
    db = _database(SYSTEM, crypto.decrypt(binding.source.secret), binding.source)
    return db.extract(table=binding.table or None, query=binding.query or None, out_dir=out_dir)


def refresh(actor: Any, source: Source, *, inline: bool = False, progress=None) -> list[LoadAttempt]:
    """Load every binding of a source again (one attempt each); schedules the next refresh."""
    ensure(actor, "catalog.ingest", source)
    from zhongshu.catalog import ingestion

    attempts = []
    now = timezone.now()
    Source.objects.filter(pk=source.pk).update(
        last_refresh_at=now,
        next_refresh_at=now + timedelta(minutes=source.refresh_minutes) if source.refresh_minutes else None)
    if source.kind == Source.Kind.DATABASE:
        # a source registered before its rule was removed (or before the allow-list existed) stops
        # here, audited, before any load is queued; the schedule above moved on, so it is not retried
        # every few minutes
        source_policy.check(actor, crypto.decrypt(source.secret), source=source)
    for binding in source.bindings.select_related("dataset", "source"):
        attempt = ingestion.new_attempt(actor, binding.dataset, via="database", binding=binding,
                                        file_name=binding.table or "query")
        attempts.append(ingestion.start(actor, attempt, inline=inline, progress=progress))
    return attempts


def refresh_due(now=None, *, inline: bool = False) -> list[LoadAttempt]:
    """Refresh every scheduled source whose time has come (the periodic check)."""
    now = now or timezone.now()
    attempts: list[LoadAttempt] = []
    for source in Source.objects.filter(kind=Source.Kind.DATABASE, next_refresh_at__lte=now):
        try:
            attempts += refresh(SYSTEM, source, inline=inline)
        except ZhongshuError as exc:  # one refused or broken source must not stop the others
            log.warning("scheduled refresh of source %s refused: %s", source.pk, exc.code)
    return attempts
