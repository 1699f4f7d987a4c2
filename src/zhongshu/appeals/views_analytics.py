"""Analytics pages: the dashboard, the drill-down list, and one JSON endpoint per chart.

Views parse the filter, call one service in `analytics`, and render; the services check
`appeals.analytics` and scope handlers to their department.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from zhongshu.accounts.models import Department
from zhongshu.appeals import analytics
from zhongshu.appeals.analytics_filters import GROUP_LABELS, AnalyticsFilter, county_wide
from zhongshu.appeals.models import Category
from zhongshu.core.errors import InvalidInput, ZhongshuError
from zhongshu.web.guards import requires

ACTION = "appeals.analytics"


def _filter(request) -> tuple[AnalyticsFilter, ZhongshuError | None]:
    try:
        return AnalyticsFilter.from_params(request.GET).with_defaults(), None
    except InvalidInput as exc:
        return AnalyticsFilter().with_defaults(), exc


def drill_url(flt: AnalyticsFilter, **refine) -> str:
    """The drill-down URL for the page filter plus refinements (week, township, metric, …)."""
    params = flt.base_params()
    params.update({k: (v.isoformat() if isinstance(v, date) else str(v)) for k, v in refine.items() if v not in (None, "")})
    return reverse("appeals:analytics_drill") + "?" + urlencode(params)


def _options(user) -> dict:
    """The filter choices this user can pick from."""
    departments = Department.objects.exclude(kind=Department.Kind.TOWNSHIP)
    if not county_wide(user):
        departments = departments.filter(pk=user.department_id)
    return {
        "level1s": list(Category.objects.order_by("level1").values_list("level1", flat=True).distinct()),
        "departments": departments.order_by("code"),
        "townships": Department.objects.filter(kind=Department.Kind.TOWNSHIP).order_by("code"),
    }


PERFORMANCE_LINKS = ("total", "closed", "ontime", "late", "open", "overdue", "followed", "satisfied",
                     "unsatisfied", "resolved", "reopened", "returned")


@requires(ACTION)
def dashboard(request):
    flt, error = _filter(request)
    user = request.user
    performance = analytics.department_performance(user, flt)
    for row in performance:
        row["links"] = {m: drill_url(flt, department=row["department_id"], metric="" if m == "total" else m)
                        for m in PERFORMANCE_LINKS}
    spikes = analytics.spikes(user, flt)
    for s in spikes:
        s["link"] = drill_url(flt, week=s["week"], township=s["township"], **{s["category_param"]: s["category"]})
    report = analytics.weekly_report(user, flt)
    for d in report["departments"]:
        d["link"] = drill_url(flt.replace(date_from=None, date_to=None), week=report["week"],
                              department=d["department_id"])
        d["negative_link"] = drill_url(flt.replace(date_from=None, date_to=None), week=report["week"],
                                       department=d["department_id"], emotion="negative")
        for a in d["at_risk"]:
            a["link"] = appeal_url(a["id"]) or drill_url(flt.replace(date_from=None), department=d["department_id"],
                                                        emotion=a["emotion"], metric="open")
    people = analytics.groups(user, flt)
    for g in people["groups"]:
        g["label"] = GROUP_LABELS.get(g["group"], g["group"])
        g["link"] = drill_url(flt, group=g["group"])
        g["open_link"] = drill_url(flt, group=g["group"], metric="open")
        for p in g["townships"][:5]:
            p["link"] = drill_url(flt, group=g["group"], township=p["township_id"])
        for n in g["needs"]:
            n["link"] = drill_url(flt, group=g["group"], category=n["category"])
    return render(request, "appeals/analytics.html", {
        "filter": flt, "error": error, "options": _options(user), "county_wide": county_wide(user),
        "performance": performance, "spikes": spikes, "report": report, "people": people,
        "chart_config": {
            "drill": reverse("appeals:analytics_drill"), "params": flt.base_params(),
            "hotspots": reverse("appeals:analytics_hotspots"), "emotion": reverse("appeals:analytics_emotion"),
            "groups": reverse("appeals:analytics_groups"), "groupLabels": {k: str(v) for k, v in GROUP_LABELS.items()},
        },
    })


def appeal_url(appeal_id: int) -> str:
    """The work-order page of an appeal, when the workflow app provides one."""
    for name in ("appeals:detail", "appeals:appeal"):
        try:
            return reverse(name, args=[appeal_id])
        except NoReverseMatch:
            continue
    return ""


@requires(ACTION)
def drill(request):
    flt, error = _filter(request)
    if error is None:
        page, rows = analytics.drill_page(request.user, flt, request.GET.get("page"))
        for r in rows:
            r["url"] = appeal_url(r["id"])
    else:
        page, rows = None, []
    params = request.GET.copy()
    params.pop("page", None)
    back = {k: v for k, v in flt.base_params().items()}
    return render(request, "appeals/analytics_drill.html", {
        "filter": flt, "error": error, "page": page, "rows": rows, "query": params.urlencode(),
        "back": reverse("appeals:analytics") + "?" + urlencode(back),
        "group_label": GROUP_LABELS.get(flt.group, flt.group),
        "department": Department.objects.filter(pk=flt.department).first() if flt.department else None,
        "township": Department.objects.filter(pk=flt.township).first() if flt.township else None,
        "category": Category.objects.filter(pk=flt.category).first() if flt.category else None,
    })


def _json(request, compute):
    try:
        flt = AnalyticsFilter.from_params(request.GET).with_defaults()
    except InvalidInput as exc:
        return JsonResponse(exc.as_dict(), status=exc.status)
    return JsonResponse({"filter": flt.base_params(), "data": compute(request.user, flt)},
                        encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False})


@requires(ACTION)
def hotspots_json(request):
    return _json(request, analytics.hotspots)


@requires(ACTION)
def emotion_json(request):
    by = "department" if request.GET.get("by") == "department" else "category"
    return _json(request, lambda user, flt: analytics.emotion_trend(user, flt, by=by))


@requires(ACTION)
def performance_json(request):
    return _json(request, analytics.department_performance)


@requires(ACTION)
def spikes_json(request):
    return _json(request, analytics.spikes)


@requires(ACTION)
def report_json(request):
    return _json(request, analytics.weekly_report)


@requires(ACTION)
def groups_json(request):
    return _json(request, analytics.groups)


