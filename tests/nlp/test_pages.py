"""The triage-models page: list versions, read a report, roll back, queue retraining (analysts only)."""

import pytest

from zhongshu.audit.models import AuditEvent
from zhongshu.nlp.registry import ModelRegistry, train_from_records

RECORDS = [
    {"title": "路灯不亮", "text": "小区路灯坏了很久没人修", "category": "城乡建设", "emotion": "angry", "intensity": 2},
    {"title": "道路破损", "text": "村里道路坑洼不平，下雨积水", "category": "城乡建设", "emotion": "anxious", "intensity": 1},
    {"title": "拖欠工资", "text": "工地老板拖欠工资三个月", "category": "劳动和社会保障", "emotion": "angry", "intensity": 3},
    {"title": "社保转移", "text": "请问养老保险怎么转移", "category": "劳动和社会保障", "emotion": "neutral", "intensity": 0},
    {"title": "感谢", "text": "感谢社区帮忙解决了问题", "category": "城乡建设", "emotion": "positive", "intensity": 1},
    {"title": "担心", "text": "孩子上学的事很着急", "category": "劳动和社会保障", "emotion": "sad", "intensity": 1},
] * 3


@pytest.fixture
def two_versions(settings):
    registry = ModelRegistry(settings.ZHONGSHU_DATA_DIR / "models")
    first = train_from_records(RECORDS, registry, include_weibo=False)
    second = train_from_records(RECORDS, registry, include_weibo=False)
    return registry, first, second


def test_only_analysts_manage_models(client, login):
    login("operator")
    assert client.get("/nlp/models/").status_code == 403


def test_untrained_state_says_what_to_do(client, login):
    login("analyst")
    page = client.get("/nlp/models/").content.decode()
    assert "尚未训练" in page and "zhongshu nlp train" in page


def test_list_report_and_roll_back(client, login, two_versions):
    registry, first, second = two_versions
    login("analyst")
    page = client.get("/nlp/models/").content.decode()
    assert first["category"] in page and second["category"] in page
    report = client.get(f"/nlp/models/category/{first['category']}/")
    assert report.status_code == 200
    response = client.post(f"/nlp/models/category/{first['category']}/activate")
    assert response.status_code == 302
    assert registry.current("category") == first["category"]
    # trained without the Weibo sets, the emotion headline names what was actually measured
    assert registry.report("emotion")["headline"]["metric"] == "macro_f1 on held-out appeals"
    event = AuditEvent.objects.filter(action="nlp.model.activated").get()
    assert event.object_id == f"category/{first['category']}" and event.details["previous"] == second["category"]


def test_activating_an_unknown_version_is_a_clear_error(client, login, two_versions):
    registry, first, second = two_versions
    login("analyst")
    page = client.post("/nlp/models/category/nope/activate", follow=True).content.decode()
    assert "nope" in page and "zhongshu nlp models" in page  # what is wrong and how to look it up
    assert registry.current("category") == second["category"]


def test_retrain_with_too_few_appeals_is_recorded_not_crashed(client, login, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    login("analyst")
    assert client.post("/nlp/models/retrain").status_code == 302
    trained = AuditEvent.objects.get(action="nlp.model.trained")
    assert trained.outcome == "failure" and trained.reason
