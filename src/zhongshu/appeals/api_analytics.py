"""JSON API for appeal analytics (mounted under /api/appeals/analytics/ by the appeals router).

Each operation takes the same filter parameters as the page (`FilterParams`) and calls one service in
`analytics`; the services check `appeals.analytics` and scope handlers to their department.
"""

from __future__ import annotations

from typing import Any

from ninja import Query, Router, Schema

from zhongshu.appeals import analytics
from zhongshu.appeals.analytics_filters import AnalyticsFilter

router = Router(tags=["appeal analytics"])


class FilterParams(Schema):
    """The analytics filter, as on the page (dates YYYY-MM-DD; codes or ids as in the drill-down links)."""

    date_from: str = ""
    date_to: str = ""
    level1: str = ""
    category: str = ""
    department: str = ""
    township: str = ""


class HotspotParams(FilterParams):
    emotion: str = ""
    group: str = ""


class ReportParams(FilterParams):
    week: str = ""


def _filter(params: Schema) -> AnalyticsFilter:
    return AnalyticsFilter.from_params({k: v for k, v in params.dict().items() if v}).with_defaults()


def _answer(flt: AnalyticsFilter, data: Any) -> dict:
    return {"filter": flt.base_params(), "data": data}


@router.get("/hotspots", summary="Appeals by category × township × week")
def hotspots(request, params: Query[HotspotParams]):
    flt = _filter(params)
    return _answer(flt, analytics.hotspots(request.user, flt))


@router.get("/emotion", summary="Weekly share of angry/anxious appeals and mean intensity")
def emotion(request, params: Query[FilterParams], by: str = "category"):
    flt = _filter(params)
    return _answer(flt, analytics.emotion_trend(request.user, flt, by="department" if by == "department" else "category"))


@router.get("/performance", summary="On-time, satisfaction, reopen and return figures per department")
def performance(request, params: Query[FilterParams]):
    flt = _filter(params)
    return _answer(flt, analytics.department_performance(request.user, flt))


@router.get("/spikes", summary="Category × township weeks far above their trailing baseline")
def spikes(request, params: Query[FilterParams]):
    flt = _filter(params)
    return _answer(flt, analytics.spikes(request.user, flt))


@router.get("/report", summary="Weekly emotion report with the open appeals most at risk")
def report(request, params: Query[ReportParams]):
    flt = _filter(params)
    return _answer(flt, analytics.weekly_report(request.user, flt))


@router.get("/groups", summary="Which groups of people appeal, where, about what")
def groups(request, params: Query[FilterParams]):
    flt = _filter(params)
    return _answer(flt, analytics.groups(request.user, flt))
