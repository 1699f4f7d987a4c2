"""Demo appeals: deterministic, realistic distributions, timelines consistent with states and deadlines."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

from zhongshu.appeals.demo import DEMO_PREFIX, generate_appeals, load_demo
from zhongshu.appeals.demo_vocab import EMOTION_PHRASES
from zhongshu.core.county import load_county

START = date(2025, 1, 6)


@pytest.fixture(scope="module")
def year(django_db_blocker):
    with django_db_blocker.unblock():  # the SLA reads settings only; no rows are written
        return generate_appeals(2500, seed=7, start=START)


def _key(rows):
    return [(r["tracking_code"], r["title"], r["text"], r["state"], r["received_at"], len(r["events"])) for r in rows]


def test_deterministic(year):
    again = generate_appeals(2500, seed=7, start=START)
    assert _key(again) == _key(year)
    assert _key(generate_appeals(300, seed=8, start=START)) != _key(year[:300])


def test_distributions(year):
    county = load_county()
    assert len(year) == 2500
    assert {r["township"] for r in year} == {t.code for t in county.townships}
    level1 = Counter(r["level1"] for r in year)
    for name in ("城乡建设", "环境保护", "交通运输", "教育文体", "劳动和社会保障", "商贸旅游", "卫生计生", "民政",
                 "农村农业", "政法", "经济管理"):
        assert level1[name] >= 10, name
    assert level1.most_common(1)[0][0] == "城乡建设"
    emotions = Counter(r["emotion"] for r in year)
    assert set(emotions) == {"angry", "anxious", "sad", "neutral", "positive"}
    assert Counter(r["appeal_type"] for r in year).keys() == {"complaint", "help", "consult", "report", "suggestion", "praise"}
    states = Counter(r["state"] for r in year)
    assert states["followed_up"] > len(year) / 2 and states["closed"] > 0 and states["handling"] > 0
    assert sum(r["reopen_count"] > 0 for r in year) > 0 and sum(r["return_count"] > 0 for r in year) > 0
    weekdays = Counter(r["received_at"].weekday() for r in year)
    assert weekdays[0] > weekdays[6] * 1.5  # Mondays are busier than Sundays
    winter_heat = sum(r["level2"] == "供水供气供暖" and r["received_at"].month in (12, 1) for r in year)
    summer_heat = sum(r["level2"] == "供水供气供暖" and r["received_at"].month in (6, 7) for r in year)
    assert winter_heat > 3 * summer_heat
    assert {r["truth"]["spike"] for r in year} >= {"heating", "wages"}
    repeats = [r for r in year if r["truth"]["contact_no"] > 1]
    assert repeats and all("次打电话反映" in r["text"] for r in repeats)
    by_code = {r["tracking_code"]: r for r in year}
    for r in repeats:
        parent = by_code[r["truth"]["repeat_of"]]
        assert parent["citizen_phone"] == r["citizen_phone"] and parent["level2"] == r["level2"]
    assert len(by_code) == len(year)
    assert all(re.fullmatch(r"1[3-9]\d{9}", r["citizen_phone"]) for r in year)
    assert any(r["urgency"] == 3 for r in year) and sum(r["urgency"] == 3 for r in year) < len(year) * 0.05


def test_text_carries_emotion_and_signals(year):
    for r in year:
        if r["emotion"] != "neutral":
            phrases = EMOTION_PHRASES[r["emotion"]][r["intensity"]]
            assert any(p in r["text"] for p in phrases), (r["emotion"], r["text"])
        if "wages" in r["truth"]["signals"]:
            assert "等着这笔钱" in r["text"]
        if "elderly" in r["truth"]["groups"]:
            assert "老" in r["text"]


def test_timelines_are_consistent_with_states_and_deadlines(year):
    as_of = max(e["at"] for r in year for e in r["events"])
    for r in year:
        events = r["events"]
        assert events[0]["action"] == "receive" and events[0]["at"] == r["received_at"]
        assert [e["at"] for e in events] == sorted(e["at"] for e in events)
        assert events[-1]["to_state"] == r["state"]
        for before, after in zip(events, events[1:]):
            assert after["from_state"] == before["to_state"]
        assert r["deadline"] > r["received_at"]
        assert r["reopen_count"] == sum(e["to_state"] == "reopened" for e in events)
        assert r["return_count"] == sum(e["action"] == "return" for e in events)
        if r["state"] in ("closed", "followed_up"):
            assert r["closed_at"] == [e["at"] for e in events if e["action"] == "approve"][-1]
            assert r["replied_at"] is not None and r["replied_at"] <= r["closed_at"]
        else:
            assert r["closed_at"] is None
        if r["state"] == "followed_up":
            assert r["satisfaction"] in ("satisfied", "basic")
        if r["state"] == "returned":
            assert r["department"] is None
        if any(e["action"] == "supervise" for e in events):
            assert r["supervised"]
    open_ = [r for r in year if r["state"] not in ("closed", "followed_up")]
    assert open_ and any(r["deadline"] < as_of for r in open_)  # some are overdue
    assert all(r["received_at"] > as_of - timedelta(days=200) for r in open_ if r["deadline"] >= as_of)


def test_load_demo_is_idempotent_and_fast(departments, settings):
    from zhongshu.appeals.analytics import spikes
    from zhongshu.appeals.analytics_filters import AnalyticsFilter
    from zhongshu.appeals.models import Appeal, AppealEvent, Category
    from zhongshu.audit.services import pii_digest

    said = []
    created = load_demo(Path(settings.ZHONGSHU_DATA_DIR), said.append, n=1500, seed=1, start=START)
    assert created == 1500 and Appeal.objects.filter(external_id__startswith=DEMO_PREFIX).count() == 1500
    assert AppealEvent.objects.count() > 1500 * 4 and Category.objects.count() >= 20
    a = Appeal.objects.exclude(citizen_phone="").first()
    assert a.phone_digest == pii_digest(a.citizen_phone) and a.department_id and a.township_id
    assert load_demo(Path(settings.ZHONGSHU_DATA_DIR), said.append, n=1500, seed=1, start=START) == 0
    assert "already" in said[-1]
    # the analytics find the winter heating outage

    class Everyone:
        is_authenticated = is_active = True
        role = "analyst"
        department = None
        department_id = None
        pk = 0

    found = spikes(Everyone(), AnalyticsFilter(date_from=START, date_to=START + timedelta(days=364)))
    assert any(s["category"] == "城乡建设" and s["township_label"] == "城阳街道" for s in found), found
