"""Appeal analytics on small hand-built data: counts, rates, spikes, drill-down, masking, permissions."""

from __future__ import annotations

import re
import sys
import types
from datetime import date, datetime, time, timedelta
from itertools import count

import pytest
from django.urls import NoReverseMatch, include, path, reverse
from django.utils import timezone

from zhongshu.accounts.models import Department
from zhongshu.appeals import analytics
from zhongshu.appeals.analytics_filters import AnalyticsFilter
from zhongshu.appeals.models import Appeal, Category
from zhongshu.audit.services import pii_digest
from zhongshu.core.county import load_county

W0 = date(2025, 3, 3)  # a Monday
FLT = AnalyticsFilter(date_from=date(2025, 1, 6), date_to=date(2025, 4, 27))
PARAMS = {"date_from": "2025-01-06", "date_to": "2025-04-27"}
NOW = timezone.make_aware(datetime(2025, 5, 1, 12, 0))
_seq = count(1)


@pytest.fixture(autouse=True)
def _analytics_urls(settings):
    """Mount the analytics URLs even before appeals/urls.py includes them."""
    try:
        reverse("appeals:analytics")
        return
    except NoReverseMatch:
        pass
    from zhongshu import urls as root
    from zhongshu.appeals import urls_analytics

    module = types.ModuleType("analytics_test_urls")
    module.urlpatterns = [p for p in root.urlpatterns if getattr(p, "namespace", None) != "appeals"] + [
        path("appeals/", include((urls_analytics.urlpatterns, "appeals")))]
    sys.modules[module.__name__] = module
    settings.ROOT_URLCONF = module.__name__


@pytest.fixture
def world(departments):
    d = {x.code: x for x in Department.objects.all()}

    class World:
        zjj, sthj, rsj = d["zjj"], d["sthj"], d["rsj"]
        chengyang = d[load_county().township_by_name("城阳街道").code]
        zhaoxian = d[load_county().township_by_name("招贤镇").code]
        build = Category.objects.create(code="T01", level1="城乡建设", level2="物业管理", department=d["zjj"])
        heat = Category.objects.create(code="T02", level1="城乡建设", level2="供水供气供暖", department=d["zjj"])
        env = Category.objects.create(code="T03", level1="环境保护", level2="噪声扰民", department=d["sthj"])
        wage = Category.objects.create(code="T04", level1="劳动和社会保障", level2="拖欠工资", department=d["rsj"])

    return World


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def make(world, *, day: date = W0, category=None, township=None, department=None, state="handling", **kw) -> Appeal:
    category = category or world.build
    n = next(_seq)
    received = at(day)
    fields = dict(
        tracking_code=f"ZT{n:08d}", channel="hotline", appeal_type="complaint", title=f"测试诉求{n}",
        text="楼道灯坏了", citizen_name="张三丰", citizen_phone="13812345678", township=township or world.chengyang,
        category=category, department=department or category.department, state=state, received_at=received,
        deadline=received + timedelta(days=10), emotion="neutral",
    )
    fields.update(kw)
    if fields["state"] in ("closed", "followed_up") and "closed_at" not in kw:
        fields["closed_at"] = received + timedelta(days=3)
    return Appeal.objects.create(**fields)


# ------------------------------------------------------------------------------------------ numbers


def test_hotspot_counts_by_category_township_and_week(world, make_user):
    analyst = make_user("analyst")
    for _ in range(3):
        make(world, day=W0)
    make(world, day=W0 + timedelta(days=8))
    make(world, day=W0 + timedelta(days=1), category=world.env, township=world.zhaoxian)
    make(world, day=W0 + timedelta(days=2), category=world.env, township=world.zhaoxian)
    make(world, day=date(2024, 12, 1))  # outside the range
    data = analytics.hotspots(analyst, FLT)
    place = {(c["category"], c["township"]): c["count"] for c in data["by_township"]}
    assert place == {("城乡建设", world.chengyang.pk): 4, ("环境保护", world.zhaoxian.pk): 2}
    cells = {(c["week"], c["category"], c["township"]): c["count"] for c in data["cells"]}
    assert cells[(W0, "城乡建设", world.chengyang.pk)] == 3
    assert cells[(W0 + timedelta(weeks=1), "城乡建设", world.chengyang.pk)] == 1
    assert data["total"] == 6 and data["categories"][0]["key"] == "城乡建设"
    # choosing a level 1 breaks it down by level-2 category
    sub = analytics.hotspots(analyst, FLT.replace(level1="城乡建设"))
    assert sub["category_param"] == "category" and {c["label"] for c in sub["categories"]} == {"物业管理"}


def test_department_performance_rates(world, make_user):
    analyst = make_user("analyst")
    on_time = [make(world, state="followed_up", satisfaction="satisfied") for _ in range(2)]
    on_time.append(make(world, state="closed"))
    late = make(world, state="followed_up", satisfaction="unsatisfied", closed_at=at(W0 + timedelta(days=12)))
    reopened = make(world, state="handling", reopen_count=1, satisfaction="unsatisfied")
    overdue = make(world, state="handling", deadline=at(W0 + timedelta(days=5)), return_count=2)
    make(world, category=world.env)  # another department
    rows = {r["department_id"]: r for r in analytics.department_performance(analyst, FLT, now=NOW)}
    zjj = rows[world.zjj.pk]
    assert (zjj["total"], zjj["closed"], zjj["ontime"], zjj["late"]) == (6, 4, 3, 1)
    assert zjj["ontime_rate"] == 0.75
    assert zjj["open"] == 2 and zjj["overdue"] == 2  # both open ones are past their deadline at NOW
    assert zjj["followed"] == 4 and zjj["satisfaction_rate"] == 0.5
    assert zjj["resolved"] == 5 and zjj["reopened"] == 1 and zjj["reopen_rate"] == 0.2
    assert zjj["returned"] == 1 and zjj["returns"] == 2
    assert zjj["handling_days"] == pytest.approx((3 * 3 + 12) / 4)
    assert rows[world.sthj.pk]["total"] == 1
    assert {late.pk, reopened.pk, overdue.pk} <= {a.pk for a in Appeal.objects.all()}


def test_emotion_trend_share_and_intensity(world, make_user):
    analyst = make_user("analyst")
    make(world, emotion="angry", intensity=3)
    make(world, emotion="anxious", intensity=1)
    make(world, emotion="sad", intensity=2)
    make(world, emotion="neutral")
    trend = analytics.emotion_trend(analyst, FLT)
    (series,) = trend["series"]
    (point,) = series["points"]
    assert point["week"] == W0 and point["total"] == 4 and point["angry_anxious"] == 2
    assert point["share"] == 0.5 and point["intensity"] == 2.0
    by_dept = analytics.emotion_trend(analyst, FLT, by="department")
    assert by_dept["series"][0]["key"] == world.zjj.pk and by_dept["param"] == "department"


def test_spike_detection_finds_an_injected_spike(world, make_user):
    analyst = make_user("analyst")
    start = date(2025, 1, 6)
    for week in range(12):  # a steady one a week in 城阳街道, and in 招贤镇
        make(world, day=start + timedelta(weeks=week), category=world.heat)
        make(world, day=start + timedelta(weeks=week), category=world.heat, township=world.zhaoxian)
    spike_week = start + timedelta(weeks=9)
    for i in range(11):
        make(world, day=spike_week + timedelta(days=i % 5), category=world.heat)
    found = analytics.spikes(analyst, FLT)
    assert len(found) == 1
    (s,) = found
    assert (s["week"], s["category"], s["township"]) == (spike_week, "城乡建设", world.chengyang.pk)
    assert s["count"] == 12 and s["baseline"] == 1.0 and s["factor"] == 12.0 and s["p_value"] < 1e-5
    assert s["township_label"] == "城阳街道"


def test_weekly_report_ranks_open_negative_appeals(world, make_user):
    analyst = make_user("analyst")
    calm = make(world, emotion="neutral", priority=90)  # not negative: not listed
    low = make(world, emotion="angry", intensity=1, priority=30)
    high = make(world, emotion="anxious", intensity=2, priority=70)
    done = make(world, emotion="angry", priority=95, state="closed")  # closed: not at risk
    repeat = make(world, emotion="angry", priority=50, citizen_phone="13900000001",
                  phone_digest=pii_digest("13900000001"))
    make(world, emotion="angry", priority=10, citizen_phone="13900000001", phone_digest=pii_digest("13900000001"),
         day=W0 + timedelta(days=1))
    make(world, emotion="angry", priority=10, citizen_phone="13900000001", phone_digest=pii_digest("13900000001"),
         day=W0 + timedelta(days=2))
    report = analytics.weekly_report(analyst, FLT, week=W0, now=at(W0 + timedelta(days=5)))
    (dept,) = report["departments"]
    ids = [a["id"] for a in dept["at_risk"]]
    assert ids[:3] == [repeat.pk, high.pk, low.pk] or ids[:2] == [high.pk, repeat.pk]
    listed = {a["id"]: a for a in dept["at_risk"]}
    assert calm.pk not in listed and done.pk not in listed
    assert listed[repeat.pk]["contacts"] == 3 and listed[repeat.pk]["score"] == 50 + 20
    assert dept["this"]["total"] == 7 and dept["this"]["negative"] == 6


def test_groups_by_keyword(world, make_user):
    analyst = make_user("analyst")
    make(world, text="家里老人七十多岁了，暖气不热")
    make(world, text="我们几十个农民工，工资拖欠", category=world.wage, township=world.zhaoxian)
    make(world, text="楼道灯坏了")
    data = {g["group"]: g for g in analytics.groups(analyst, FLT)["groups"]}
    assert data["elderly"]["total"] == 1 and data["workers"]["total"] == 1 and data["children"]["total"] == 0
    assert data["workers"]["townships"][0]["township_id"] == world.zhaoxian.pk
    assert data["workers"]["needs"][0]["label"] == "拖欠工资"


def test_poisson_tail():
    assert analytics.poisson_tail(1, 1.0) == pytest.approx(1 - 2.718281828 ** -1)
    assert 0 < analytics.poisson_tail(60, 1.5) < 1e-50


# ----------------------------------------------------------------------------------------- drill-down


def _codes(html: str) -> set[str]:
    return set(re.findall(r"ZT\d{8}", html))


def test_drill_lists_exactly_the_appeals_behind_a_number(client, login, world):
    login("operator")
    on_time = {make(world, state="closed").tracking_code for _ in range(3)}
    make(world, state="closed", closed_at=at(W0 + timedelta(days=30)))  # late
    make(world, state="handling")
    make(world, state="closed", category=world.env)  # other department
    page = client.get(reverse("appeals:analytics"), PARAMS).content.decode()
    link = re.search(r'href="([^"]+)" data-metric="ontime">3<', page.replace("&amp;", "&"))
    assert link, "the on-time number links to the drill-down"
    listed = client.get(link.group(1)).content.decode()
    assert _codes(listed) == on_time
    # a heatmap cell: category × township
    cell = client.get(reverse("appeals:analytics_drill"), {**PARAMS, "level1": "环境保护",
                                                             "township": world.chengyang.pk}).content.decode()
    assert len(_codes(cell)) == 1
    # a trend point: week × emotion
    make(world, emotion="angry", day=W0 + timedelta(weeks=2))
    point = client.get(reverse("appeals:analytics_drill"), {**PARAMS, "week": (W0 + timedelta(weeks=2)).isoformat(),
                                                              "emotion": "angry,anxious"}).content.decode()
    assert len(_codes(point)) == 1


def test_drill_masks_citizens_and_escapes_text(client, login, world):
    login("leader")
    make(world, citizen_name="欧阳明华", citizen_phone="13912345678", text="<script>alert(1)</script>路灯坏了")
    html = client.get(reverse("appeals:analytics_drill"), PARAMS).content.decode()
    assert "欧阳明华" not in html and "13912345678" not in html
    assert "欧***" in html and "139****5678" in html
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html


def test_bad_filter_says_how_to_fix(client, login, world):
    login("analyst")
    page = client.get(reverse("appeals:analytics"), {"date_from": "last week"}).content.decode()
    assert "YYYY-MM-DD" in page
    response = client.get(reverse("appeals:analytics_hotspots"), {"metric": "nonsense"})
    assert response.status_code == 400 and response.json()["field"] == "metric"


# ---------------------------------------------------------------------------------------- permissions

URL_NAMES = ("analytics", "analytics_drill", "analytics_hotspots", "analytics_emotion", "analytics_performance",
             "analytics_spikes", "analytics_report", "analytics_groups")


@pytest.mark.parametrize("role,expected", [("operator", 200), ("leader", 200), ("analyst", 200),
                                           ("steward", 403), ("sysadmin", 403), ("auditor", 403),
                                           ("secadmin", 403), ("handler", 200)])
def test_who_may_open_analytics(client, login, world, role, expected):
    login(role)
    for name in URL_NAMES:
        assert client.get(reverse(f"appeals:{name}"), PARAMS).status_code == expected, name


def test_handler_sees_only_own_department(client, login, world):
    login("handler", department="sthj")
    own = make(world, category=world.env)
    other = make(world)
    data = client.get(reverse("appeals:analytics_hotspots"), PARAMS).json()["data"]
    assert data["total"] == 1
    listed = _codes(client.get(reverse("appeals:analytics_drill"), PARAMS).content.decode())
    assert listed == {own.tracking_code}
    # asking for another department's numbers gives nothing, not the other department's data
    assert not _codes(client.get(reverse("appeals:analytics_drill"),
                                 {**PARAMS, "department": world.zjj.pk}).content.decode())
    perf = client.get(reverse("appeals:analytics_performance"), PARAMS).json()["data"]
    assert [r["department_id"] for r in perf] == [world.sthj.pk]
    page = client.get(reverse("appeals:analytics"), PARAMS).content.decode()
    assert 'data-testid="scope-note"' in page and other.tracking_code not in page


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("appeals:analytics"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# ---------------------------------------------------------------------------------------------- pages


def test_page_renders_charts_and_tables(client, login, world):
    login("analyst")
    for i in range(3):
        make(world, emotion="angry", intensity=2, text="家里老人生病了", day=W0 + timedelta(days=i))
    response = client.get(reverse("appeals:analytics"), PARAMS)
    assert response.status_code == 200
    html = response.content.decode()
    for testid in ("chart-hotspots-place", "chart-hotspots-week", "chart-emotion", "chart-groups", "spikes",
                   "performance", "risk-report", "groups"):
        assert f'data-testid="{testid}"' in html, testid
    assert "vendor/echarts-5.6.0.min.js" in html and "cdn" not in html.lower()
    assert 'id="analytics-config"' in html and "住建局" in html
    for name in URL_NAMES[2:]:
        response = client.get(reverse(f"appeals:{name}"), PARAMS)
        assert response.status_code == 200 and "data" in response.json(), name


def test_api_router_calls_the_services(client, login, world):
    login("analyst")
    make(world)
    out = client.get("/api/appeals/analytics/hotspots", PARAMS)
    assert out.status_code == 200 and out.json()["data"]["total"] == 1
    assert client.get("/api/appeals/analytics/spikes", PARAMS).status_code == 200
    client.logout()
    login("steward")
    assert client.get("/api/appeals/analytics/spikes", PARAMS).status_code == 403
