"""Catalog pages: search, dataset page, upload wizard with live progress, sources, quality incidents.

Views parse the request, call one service and render; services hold the queries and permissions.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhongshu.accounts.permissions import allowed
from zhongshu.catalog import ingestion, quality, services, source_policy, sources
from zhongshu.catalog.models import LoadAttempt, OpenType, QualityRule, SharingType, UpdateCycle
from zhongshu.core.errors import Forbidden, NotFound, ZhongshuError
from zhongshu.web.guards import requires

FILTERS = ("q", "department", "category", "sharing_type", "grade")


def _back(request, exc: ZhongshuError, to: str):
    if isinstance(exc, (Forbidden, NotFound)):
        raise exc  # a refusal is a 403/404 page, not a form error to fix
    messages.error(request, f"{exc.message}" + (f" — {exc.hint}" if exc.hint else ""))
    return redirect(to)


@requires("catalog.read")
def index(request):
    params = {k: request.GET.get(k, "").strip() for k in FILTERS}
    return render(request, "catalog/index.html", {
        "datasets": services.search_datasets(request.user, **params)[:200], "params": params,
        "facets": services.facets(request.user)})


@requires("catalog.read")
def dataset(request, pk: int):
    ds = services.get_dataset(request.user, pk)
    user = request.user
    return render(request, "catalog/dataset.html", {
        "ds": ds, "fields": ds.fields.all(), "versions": ds.versions.all(), "attempts": ingestion.attempts_for(user, ds),
        "preview": services.preview(user, ds), "lineage": services.lineage(user, ds),
        "quality": quality.scores(user, ds) if allowed(user, "quality.read") else None,
        "incidents": quality.incidents(user, dataset=ds).exclude(state="resolved") if allowed(user, "quality.read") else [],
        "can_edit": allowed(user, "catalog.edit", ds), "can_ingest": allowed(user, "catalog.ingest", ds),
        "can_quality": allowed(user, "quality.manage", ds), "labels": services.LABELS,
        "sharing_types": SharingType.choices, "open_types": OpenType.choices, "cycles": UpdateCycle.choices,
        "rule_kinds": QualityRule.Kind.choices,
    })


@requires("catalog.edit")
@require_POST
def dataset_edit(request, pk: int):
    ds = services.get_dataset(request.user, pk)
    try:
        services.update_metadata(request.user, ds, **{k: request.POST[k] for k in services.EDITABLE if k in request.POST})
        messages.success(request, "✓")
    except ZhongshuError as exc:
        return _back(request, exc, ds_url(ds))
    return redirect(ds_url(ds))


@requires("catalog.edit")
@require_POST
def field_edit(request, pk: int, field_id: int):
    ds = services.get_dataset(request.user, pk)
    try:
        f = services.get_field(request.user, ds, field_id)
        services.update_field(request.user, f, description=request.POST.get("description"),
                              label=request.POST.get("label"), grade=request.POST.get("grade") or None,
                              is_key=request.POST.get("is_key") == "on" if "key_present" in request.POST else None)
    except ZhongshuError as exc:
        return _back(request, exc, ds_url(ds))
    return redirect(ds_url(ds) + "#fields")


@requires("catalog.ingest")
@require_POST
def rollback(request, pk: int):
    ds = services.get_dataset(request.user, pk)
    try:
        ingestion.rollback(request.user, ds, int(request.POST.get("number", 0)), request.POST.get("reason", ""))
    except (ZhongshuError, ValueError) as exc:
        return _back(request, exc if isinstance(exc, ZhongshuError) else ZhongshuError(str(exc)), ds_url(ds))
    return redirect(ds_url(ds) + "#versions")


@requires("catalog.read")
def diff(request, pk: int):
    ds = services.get_dataset(request.user, pk)
    result = ingestion.diff(request.user, ds, int(request.GET.get("a") or 0), int(request.GET.get("b") or 0))
    return render(request, "catalog/diff.html", {"ds": ds, "diff": result})


@requires("catalog.ingest")
def upload(request):
    if request.method == "POST":
        try:
            file = request.FILES.get("file")
            if file is None:
                raise ZhongshuError("choose a file to upload", hint="CSV, XLSX, JSON, JSONL or Parquet")
            ds_ref = request.POST.get("dataset", "").strip()
            # a new dataset is created only when the file is accepted (no empty dataset on a refusal)
            attempt = ingestion.draft_load(
                request.user, dataset=services.get_dataset(request.user, ds_ref) if ds_ref.isdigit() else None,
                new_name=request.POST.get("new_name", ""), department=request.POST.get("department") or None,
                file_name=file.name, chunks=file.chunks(),
                max_bad_fraction=request.POST.get("max_bad_fraction") or 0.05)
        except ZhongshuError as exc:
            return _back(request, exc, "catalog:upload")
        return redirect("catalog:attempt", pk=attempt.pk)
    return render(request, "catalog/upload.html", {
        "datasets": services.search_datasets(request.user), "departments": services.facets(request.user)["departments"]})


@requires("catalog.read")
def attempt(request, pk: int):
    a = ingestion.get_attempt(request.user, pk)
    return render(request, "catalog/attempt.html", {"a": a, "sheets": ingestion.sheets_of(a),
                                                    "formats": ingestion.FORMATS})


@requires("catalog.ingest")
@require_POST
def attempt_start(request, pk: int):
    a = ingestion.get_attempt(request.user, pk)
    try:
        ingestion.start(request.user, a, fmt=request.POST.get("format") or None,
                        encoding=request.POST.get("encoding") or None, sheet=request.POST.get("sheet") or None,
                        max_bad_fraction=request.POST.get("max_bad_fraction") or None)
    except ZhongshuError as exc:
        return _back(request, exc, f"/catalog/attempts/{a.pk}/")
    return redirect("catalog:attempt", pk=a.pk)


@requires("catalog.read")
def attempt_status(request, pk: int):
    """The htmx fragment polled while a load runs."""
    return render(request, "catalog/_status.html", {"a": ingestion.get_attempt(request.user, pk)})


@requires("catalog.read")
def rejects(request, pk: int):
    a = ingestion.get_attempt(request.user, pk)
    path = ingestion.rejects_file(request.user, a)
    return FileResponse(open(path, "rb"), as_attachment=True, filename=f"rejects-{a.pk}.csv",
                        content_type="text/csv; charset=utf-8")


SOURCE_FORM = ("name", "department", "tables", "query", "query_dataset", "refresh_minutes")  # the URL is never echoed


def _sources_page(request, *, error: ZhongshuError | None = None, form: dict | None = None, status: int = 200):
    return render(request, "catalog/sources.html", {
        "sources": sources.list_sources(request.user), "can_add": allowed(request.user, "catalog.sources"),
        "departments": services.facets(request.user)["departments"], "error": error, "form": form or {}},
        status=status)


@requires("catalog.read")
def source_list(request):
    return _sources_page(request)


@requires("catalog.sources")
@require_POST
def source_new(request):
    p = request.POST
    tables = {}
    for line in p.get("tables", "").splitlines():
        if line.strip():
            table, _, name = line.partition("=")
            tables[table.strip()] = name.strip() or table.strip()
    try:
        dept = p.get("department") or (request.user.department.code if request.user.department else "")
        sources.create_database_source(
            request.user, name=p.get("name", ""), department_code=dept, url=p.get("url", ""),
            tables=tables, query=p.get("query", ""), query_dataset=p.get("query_dataset", ""),
            refresh_minutes=sources.parse_minutes(p.get("refresh_minutes", "")))
    except ZhongshuError as exc:
        # the page again, with the error and what was typed (not the URL: it holds the password)
        return _sources_page(request, error=exc, form={k: p.get(k, "") for k in SOURCE_FORM}, status=exc.status)
    return redirect("catalog:sources")


@requires("policy.manage")
def source_rules(request):
    """The security administrator's allow-list of database sources (list, add, remove)."""
    if request.method == "POST":
        p = request.POST
        try:
            if p.get("op") == "remove":
                source_policy.remove_rule(request.user, p.get("rule", ""))
            elif p.get("op") == "folder":
                source_policy.allow_folder(request.user, folder=p.get("folder", ""), note=p.get("note", ""))
            else:
                source_policy.allow_server(request.user, host=p.get("host", ""), ports=p.get("ports", ""),
                                           db_kinds=p.getlist("db_kinds"), note=p.get("note", ""))
        except ZhongshuError as exc:
            return render(request, "catalog/source_rules.html", {
                "rules": source_policy.list_rules(request.user), "error": exc, "form": p,
                "kinds": source_policy.NETWORK_KINDS}, status=exc.status)
        return redirect("catalog:source_rules")
    return render(request, "catalog/source_rules.html", {
        "rules": source_policy.list_rules(request.user), "form": {}, "kinds": source_policy.NETWORK_KINDS})


@requires("catalog.ingest")
@require_POST
def source_refresh(request, pk: int):
    try:
        attempts = sources.refresh(request.user, sources.get_source(request.user, pk))
    except ZhongshuError as exc:
        return _back(request, exc, "catalog:sources")
    return redirect("catalog:attempt", pk=attempts[0].pk) if attempts else redirect("catalog:sources")


@requires("quality.manage")
@require_POST
def rule_add(request, pk: int):
    ds = services.get_dataset(request.user, pk)
    p = request.POST
    params = {k: p[k] for k in ("pattern", "scheme", "min", "max", "values", "dataset", "field_ref") if p.get(k)}
    if "field_ref" in params:
        params["field"] = params.pop("field_ref")
    try:
        quality.add_rule(request.user, ds, p.get("kind", ""), p.get("field", ""), params)
        quality.recheck(request.user, ds) if ds.current_version_id else None
    except ZhongshuError as exc:
        return _back(request, exc, ds_url(ds))
    return redirect(ds_url(ds) + "#quality")


@requires("quality.manage")
@require_POST
def recheck(request, pk: int):
    ds = services.get_dataset(request.user, pk)
    try:
        quality.recheck(request.user, ds)
    except ZhongshuError as exc:
        return _back(request, exc, ds_url(ds))
    return redirect(ds_url(ds) + "#quality")


@requires("quality.read")
def incidents(request):
    state = request.GET.get("state", "")
    return render(request, "catalog/incidents.html", {
        "incidents": quality.incidents(request.user, state=state, department=request.GET.get("department", ""))[:300],
        "state": state, "states": [("open", "Open"), ("acknowledged", "Acknowledged"), ("resolved", "Resolved")]})


@requires("quality.manage")
@require_POST
def incident_transition(request, pk: int):
    try:
        inc = quality.get_incident(request.user, pk)
        quality.transition(request.user, inc, request.POST.get("to", ""), request.POST.get("note", ""))
    except ZhongshuError as exc:
        return _back(request, exc, "catalog:incidents")
    return redirect("catalog:incidents")


def ds_url(ds) -> str:
    return f"/catalog/datasets/{ds.pk}/"


__all__ = ["LoadAttempt"]
