"""JSON API for appeal analytics (mount: `api.add_router("/appeals/analytics/", router)`).

Each operation parses the same filter parameters as the page and calls one service in
`analytics`; the services check `appeals.analytics` and scope handlers to their department.
"""

from __future__ import annotations

from typing import Any

from ninja import Router

from zhongshu.appeals import analytics
from zhongshu.appeals.analytics_filters import AnalyticsFilter

router = Router(tags=["appeal analytics"])


def _filter(**params: str) -> AnalyticsFilter:
    return AnalyticsFilter.from_params({k: v for k, v in params.items() if v}).with_defaults()


def _answer(flt: AnalyticsFilter, data: Any) -> dict:
    return {"filter": flt.base_params(), "data": data}


@router.get("/hotspots", summary="Appeals by category × township × week")
def hotspots(request, date_from: str = "", date_to: str = "", level1: str = "", category: str = "",
             department: str = "", township: str = "", emotion: str = "", group: str = ""):
    flt = _filter(date_from=date_from, date_to=date_to, level1=level1, category=category, department=department,
                  township=township, emotion=emotion, group=group)
    return _answer(flt, analytics.hotspots(request.user, flt))


@router.get("/emotion", summary="Weekly share of angry/anxious appeals and mean intensity")
def emotion(request, by: str = "category", date_from: str = "", date_to: str = "", level1: str = "",
            category: str = "", department: str = "", township: str = ""):
    flt = _filter(date_from=date_from, date_to=date_to, level1=level1, category=category, department=department,
                  township=township)
    return _answer(flt, analytics.emotion_trend(request.user, flt, by="department" if by == "department" else "category"))


@router.get("/performance", summary="On-time, satisfaction, reopen and return figures per department")
def performance(request, date_from: str = "", date_to: str = "", level1: str = "", category: str = "",
                department: str = "", township: str = ""):
    flt = _filter(date_from=date_from, date_to=date_to, level1=level1, category=category, department=department,
                  township=township)
    return _answer(flt, analytics.department_performance(request.user, flt))


@router.get("/spikes", summary="Category × township weeks far above their trailing baseline")
def spikes(request, date_from: str = "", date_to: str = "", level1: str = "", category: str = "",
           department: str = "", township: str = ""):
    flt = _filter(date_from=date_from, date_to=date_to, level1=level1, category=category, department=department,
                  township=township)
    return _answer(flt, analytics.spikes(request.user, flt))


@router.get("/report", summary="Weekly emotion report with the open appeals most at risk")
def report(request, week: str = "", date_from: str = "", date_to: str = "", level1: str = "", category: str = "",
           department: str = "", township: str = ""):
    flt = _filter(week=week, date_from=date_from, date_to=date_to, level1=level1, category=category,
                  department=department, township=township)
    return _answer(flt, analytics.weekly_report(request.user, flt))


@router.get("/groups", summary="Which groups of people appeal, where, about what")
def groups(request, date_from: str = "", date_to: str = "", level1: str = "", category: str = "",
           department: str = "", township: str = ""):
    flt = _filter(date_from=date_from, date_to=date_to, level1=level1, category=category, department=department,
                  township=township)
    return _answer(flt, analytics.groups(request.user, flt))
