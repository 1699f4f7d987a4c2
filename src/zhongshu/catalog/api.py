"""Catalog JSON API: datasets, fields, preview, versions, loads, sources, quality, lineage.

Each operation parses input, calls one service and returns a schema; the services authorize.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import FileResponse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from zhongshu.catalog import ingestion, quality, services, sources

router = Router(tags=["catalog"])


class DatasetOut(Schema):
    id: int
    name: str
    code: str
    department: str
    category: str
    description: str
    sharing_type: str
    sharing_conditions: str
    open_type: str
    update_cycle: str
    grade: str
    level: int
    current_version: int | None
    rows: int | None
    quality_score: float | None

    @staticmethod
    def resolve_department(obj) -> str:
        return obj.department.code

    @staticmethod
    def resolve_current_version(obj) -> int | None:
        return obj.current_version.number if obj.current_version else None

    @staticmethod
    def resolve_rows(obj) -> int | None:
        return obj.current_version.rows if obj.current_version else None

    @staticmethod
    def resolve_quality_score(obj) -> float | None:
        return obj.current_version.quality_score if obj.current_version else None


class FieldOut(Schema):
    id: int
    name: str
    type: str
    description: str
    is_key: bool
    present: bool
    label: str
    label_status: str
    label_share: float | None
    label_candidates: list[dict]
    grade: str
    level: int


class SearchIn(Schema):
    q: str = ""
    department: str = ""
    category: str = ""
    sharing_type: str = ""
    grade: str = ""


class DatasetIn(Schema):
    name: str
    department: str
    category: str = ""
    description: str = ""
    sharing_type: str = "conditional"
    open_type: str = "none"
    update_cycle: str = "irregular"


class MetadataIn(Schema):
    name: str | None = None
    category: str | None = None
    description: str | None = None
    sharing_type: str | None = None
    sharing_conditions: str | None = None
    open_type: str | None = None
    update_cycle: str | None = None
    grade: str | None = None
    level: int | None = None


class FieldIn(Schema):
    description: str | None = None
    label: str | None = None
    grade: str | None = None
    level: int | None = None
    is_key: bool | None = None


class VersionOut(Schema):
    number: int
    rows: int
    created_at: datetime
    created_by: str
    schema_: list[dict] = None  # type: ignore[assignment]
    schema_changes: dict
    quality_score: float | None
    current: bool

    @staticmethod
    def resolve_schema_(obj) -> list[dict]:
        return obj.schema

    @staticmethod
    def resolve_current(obj) -> bool:
        return obj.dataset.current_version_id == obj.pk


class AttemptOut(Schema):
    id: int
    dataset: str
    state: str
    step: str
    progress: float
    file_name: str
    format: str
    encoding: str
    sheet: str
    rows_loaded: int
    rows_total: int
    reject_count: int
    error: str
    error_hint: str
    version: int | None
    sheets: list[str]

    @staticmethod
    def resolve_dataset(obj) -> str:
        return obj.dataset.code

    @staticmethod
    def resolve_version(obj) -> int | None:
        v = getattr(obj, "version", None) if obj.state == "succeeded" else None
        return v.number if v else None

    @staticmethod
    def resolve_sheets(obj) -> list[str]:
        return ingestion.sheets_of(obj)


class StartIn(Schema):
    format: str | None = None
    encoding: str | None = None
    sheet: str | None = None
    max_bad_fraction: float | None = None


class RollbackIn(Schema):
    number: int
    reason: str = ""


class SourceIn(Schema):
    name: str
    department: str
    url: str
    tables: dict[str, str] = {}
    query: str = ""
    query_dataset: str = ""
    refresh_minutes: int | None = None


class UrlIn(Schema):
    url: str


class TablesOut(Schema):
    tables: list[str]


class SourceOut(Schema):
    id: int
    name: str
    department: str
    url: str
    refresh_minutes: int | None
    next_refresh_at: datetime | None
    bindings: list[dict]

    @staticmethod
    def resolve_department(obj) -> str:
        return obj.department.code

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.display_url

    @staticmethod
    def resolve_bindings(obj) -> list[dict]:
        return [{"table": b.table, "query": bool(b.query), "dataset": b.dataset.code} for b in obj.bindings.all()]


class RuleIn(Schema):
    kind: str
    field: str = ""
    params: dict[str, Any] = {}


class RuleOut(Schema):
    id: int
    kind: str
    field: str | None
    params: dict
    enabled: bool
    proposed: bool
    passed: int | None = None
    failed: int | None = None


class IncidentOut(Schema):
    id: int
    dataset: str
    department: str
    state: str
    summary: str
    failed: int
    assignee: str | None
    deadline: datetime
    note: str

    @staticmethod
    def resolve_dataset(obj) -> str:
        return obj.dataset.code

    @staticmethod
    def resolve_department(obj) -> str:
        return obj.department.code

    @staticmethod
    def resolve_assignee(obj) -> str | None:
        return obj.assignee.username if obj.assignee else None


class TransitionIn(Schema):
    to: str
    note: str = ""


class EdgeOut(Schema):
    from_type: str
    from_id: str
    from_label: str
    to_type: str
    to_id: str
    to_label: str
    relation: str
    created_at: datetime


@router.get("/datasets", response=list[DatasetOut])
def list_datasets(request, params: Query[SearchIn]):
    """Search the catalogue (Chinese text and filters)."""
    return list(services.search_datasets(request.user, **params.dict())[:500])


@router.post("/datasets", response={201: DatasetOut})
def create_dataset(request, body: DatasetIn):
    """Register a dataset (metadata only)."""
    data = body.dict()
    return Status(201, services.create_dataset(request.user, name=data.pop("name"), department_code=data.pop("department"), **data))


@router.get("/datasets/{ref}", response=DatasetOut)
def get_dataset(request, ref: str):
    """One dataset by id or code."""
    return services.get_dataset(request.user, ref)


@router.patch("/datasets/{ref}", response=DatasetOut)
def update_dataset(request, ref: str, body: MetadataIn):
    """Edit core metadata (owning department's steward)."""
    ds = services.get_dataset(request.user, ref)
    return services.update_metadata(request.user, ds, **body.dict(exclude_none=True))


@router.get("/datasets/{ref}/fields", response=list[FieldOut])
def list_fields(request, ref: str):
    return list(services.get_dataset(request.user, ref).fields.all())


@router.patch("/datasets/{ref}/fields/{name}", response=FieldOut)
def update_field(request, ref: str, name: str, body: FieldIn):
    """Confirm or correct a label, describe a field, set its grade or key flag."""
    ds = services.get_dataset(request.user, ref)
    return services.update_field(request.user, services.get_field(request.user, ds, name), **body.dict(exclude_none=True))


@router.get("/datasets/{ref}/preview")
def preview(request, ref: str, limit: int = 20):
    """First rows of the current version, personal-data fields masked."""
    return services.preview(request.user, services.get_dataset(request.user, ref), limit)


@router.get("/datasets/{ref}/versions", response=list[VersionOut])
def list_versions(request, ref: str):
    return services.versions(request.user, services.get_dataset(request.user, ref))


@router.get("/datasets/{ref}/diff")
def version_diff(request, ref: str, a: int, b: int):
    """Row counts, schema drift and changed keys between versions a and b."""
    return ingestion.diff(request.user, services.get_dataset(request.user, ref), a, b)


@router.post("/datasets/{ref}/rollback", response=VersionOut)
def rollback(request, ref: str, body: RollbackIn):
    """Make an earlier version current again (audited)."""
    return ingestion.rollback(request.user, services.get_dataset(request.user, ref), body.number, body.reason)


@router.get("/datasets/{ref}/lineage", response=list[EdgeOut])
def lineage(request, ref: str):
    return services.lineage(request.user, services.get_dataset(request.user, ref))


@router.get("/datasets/{ref}/attempts", response=list[AttemptOut])
def list_attempts(request, ref: str):
    return ingestion.attempts_for(request.user, services.get_dataset(request.user, ref))


@router.post("/datasets/{ref}/uploads", response={201: AttemptOut})
def upload(request, ref: str, file: File[UploadedFile], start: Form[bool] = True, max_bad_fraction: Form[float] = 0.05):
    """Upload a file as a new load attempt; with start=true it is queued at once."""
    ds = services.get_dataset(request.user, ref)
    attempt = ingestion.new_attempt(request.user, ds, file_name=file.name, chunks=file.chunks(),
                                    max_bad_fraction=max_bad_fraction)
    if start:
        attempt = ingestion.start(request.user, attempt)
    return Status(201, attempt)


@router.get("/attempts/{pk}", response=AttemptOut)
def get_attempt(request, pk: int):
    """State and progress of a load (poll while it runs)."""
    return ingestion.get_attempt(request.user, pk)


@router.post("/attempts/{pk}/start", response=AttemptOut)
def start_attempt(request, pk: int, body: StartIn):
    """Confirm a draft load, optionally overriding format, encoding, sheet and threshold."""
    return ingestion.start(request.user, ingestion.get_attempt(request.user, pk), fmt=body.format,
                           encoding=body.encoding, sheet=body.sheet, max_bad_fraction=body.max_bad_fraction)


@router.get("/attempts/{pk}/rejects")
def rejects(request, pk: int):
    """The rejects report (CSV: line, column, reason)."""
    path = ingestion.rejects_file(request.user, ingestion.get_attempt(request.user, pk))
    return FileResponse(open(path, "rb"), as_attachment=True, filename=f"rejects-{pk}.csv", content_type="text/csv")


@router.get("/sources", response=list[SourceOut])
def list_sources(request):
    return list(sources.list_sources(request.user))


@router.post("/sources", response={201: SourceOut})
def create_source(request, body: SourceIn):
    """Register a database by URL (password stored encrypted, shown redacted)."""
    d = body.dict()
    source = sources.create_database_source(request.user, name=d["name"], department_code=d["department"],
                                            url=d["url"], tables=d["tables"], query=d["query"],
                                            query_dataset=d["query_dataset"], refresh_minutes=d["refresh_minutes"])
    return Status(201, source)


@router.post("/sources/tables", response=TablesOut)
def source_tables(request, body: UrlIn):
    """List a database's tables before registering it (the URL goes in the body: it holds the password).

    The allow-list decides first; a refused URL answers 400 with one message whatever is behind it."""
    return {"tables": sources.list_tables(request.user, body.url)}


@router.post("/sources/{pk}/refresh", response=list[AttemptOut])
def refresh_source(request, pk: int):
    """Load every table of the source again."""
    return sources.refresh(request.user, sources.get_source(request.user, pk))


@router.get("/datasets/{ref}/quality")
def dataset_quality(request, ref: str):
    """Score, per-field scores, trend across versions and rule results."""
    s = quality.scores(request.user, services.get_dataset(request.user, ref))
    rules = [RuleOut(id=r["rule"].pk, kind=r["rule"].kind, field=r["rule"].field.name if r["rule"].field else None,
                     params=r["rule"].params, enabled=r["rule"].enabled, proposed=r["rule"].proposed,
                     passed=r["check"].passed if r["check"] else None,
                     failed=r["check"].failed if r["check"] else None).dict() for r in s["rules"]]
    return {"score": s["score"], "fields": s["fields"], "trend": s["trend"], "rules": rules}


@router.post("/datasets/{ref}/rules", response={201: RuleOut})
def add_rule(request, ref: str, body: RuleIn):
    """Add a quality rule; the current version is checked again."""
    ds = services.get_dataset(request.user, ref)
    rule = quality.add_rule(request.user, ds, body.kind, body.field, body.params)
    if ds.current_version_id:
        quality.recheck(request.user, ds)
    return Status(201, RuleOut(id=rule.pk, kind=rule.kind, field=rule.field.name if rule.field else None,
                               params=rule.params, enabled=rule.enabled, proposed=rule.proposed))


@router.get("/incidents", response=list[IncidentOut])
def list_incidents(request, state: str = "", department: str = ""):
    """Quality incidents the caller may see."""
    return list(quality.incidents(request.user, state=state, department=department)[:500])


@router.post("/incidents/{pk}/transition", response=IncidentOut)
def transition_incident(request, pk: int, body: TransitionIn):
    """Acknowledge or resolve an incident."""
    return quality.transition(request.user, quality.get_incident(request.user, pk), body.to, body.note)
