"""The auditor's pages: search the log, export CSV, verify the chain."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render

from zhongshu.accounts.permissions import ensure
from zhongshu.audit import queries
from zhongshu.audit.services import Event, record, verify_chain
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
        "page": page, "filter": flt, "error": error, "query": params.urlencode(),
        "actions": queries.distinct_values(request.user, "action"),
        "departments": queries.distinct_values(request.user, "department"),
    })


@requires("audit.export")
def export(request):
    flt = queries.AuditFilter.from_params(request.GET)
    response = StreamingHttpResponse(queries.export_rows(request.user, flt), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response


@requires("audit.verify")
def verify(request):
    ensure(request.user, "audit.verify")
    result = verify_chain()
    record(request.user, Event("audit.verified", "audit", "", "success" if result.ok else "failure",
                               result.problem, details={"checked": result.checked, "bad_seq": result.bad_seq}))
    return render(request, "audit/verify.html", {"result": result})
