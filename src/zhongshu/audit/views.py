"""The auditor's pages: search the log, export CSV, verify the chain, export a signed checkpoint."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from zhongshu.audit import events as event_types
from zhongshu.audit import queries
from zhongshu.core.errors import ZhongshuError
from zhongshu.web.guards import requires


@requires("audit.read")
def events(request):
    error = None
    try:
        flt = queries.AuditFilter.from_params(request.GET)
    except ZhongshuError as exc:
        error, flt = exc, queries.AuditFilter()
    page = Paginator(queries.search(request.user, flt), 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "audit/events.html", {
        "page": page, "rows": queries.rows(request.user, page), "filter": flt, "error": error,
        "query": params.urlencode(), "actions": event_types.choices(),
        "departments": queries.department_choices(request.user), "time_label": queries.time_label(),
        "checkpoint": queries.latest_checkpoint(request.user),
    })


@requires("audit.export")
def export(request):
    flt = queries.AuditFilter.from_params(request.GET)
    response = StreamingHttpResponse(queries.export_rows(request.user, flt), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response


@requires("audit.verify")
def verify(request):
    return render(request, "audit/verify.html", {"result": queries.verify(request.user)})


@require_POST
@requires("audit.checkpoint")
def checkpoint(request):
    return render(request, "audit/checkpoint.html", {"outcome": queries.checkpoint(request.user)})
