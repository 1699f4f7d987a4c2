"""Urgency signals in context and the priority rules."""

from __future__ import annotations

import pytest

from zhongshu.nlp.priority import base_urgency, detect_signals, priority, urgency_level


@pytest.mark.parametrize(
    "text",
    ["我不想活了", "再不解决我就从楼上跳楼", "被逼得想轻生", "实在活不下去了"],
)
def test_self_harm_words_are_extreme(text: str) -> None:
    score, level, reasons = priority("neutral", 0, detect_signals(text))
    assert level == "extreme" and score >= 80
    assert any("self_harm" in r for r in reasons)


def test_negated_hazard_scores_lower() -> None:
    plain = priority("neutral", 0, detect_signals("小区有燃气泄漏"))[0]
    negated = priority("neutral", 0, detect_signals("经检查，小区没有燃气泄漏"))[0]
    assert negated < plain
    assert any("negated" in s.describe() for s in detect_signals("经检查，小区没有燃气泄漏"))


def test_ongoing_hazard_scores_higher() -> None:
    static = priority("neutral", 0, detect_signals("楼道有危房问题"))[0]
    ongoing = priority("neutral", 0, detect_signals("楼房随时可能倒塌"))[0]
    assert ongoing > static


def test_weak_hazard_word_needs_context() -> None:
    assert detect_signals("建议加强管理，消除安全隐患") == []
    assert detect_signals("学校门口安全隐患，孩子过马路很危险")


@pytest.mark.parametrize(
    ("text", "title", "expected"),
    [
        ("请问公交线路何时调整", "请问公交线路何时调整？", 0),
        ("酒吧噪音扰民", "投诉酒吧噪音", 1),
        ("包工头拖欠工资半年", "讨薪", 2),
        ("地基下沉，墙体开裂，随时可能倒塌", "危房", 3),
    ],
)
def test_urgency_levels(text: str, title: str, expected: int) -> None:
    assert urgency_level(detect_signals(text, title), title, text) == expected


def test_repeat_contacts_and_waiting_raise_priority() -> None:
    base = priority("angry", 1, [])[0]
    assert priority("angry", 1, [], repeat_contacts=3)[0] > base
    assert priority("angry", 1, [], hours_waiting=72)[0] > base
    assert priority("angry", 1, [], repeat_contacts=100, hours_waiting=1e6)[0] <= 100


def test_base_urgency_question_vs_complaint() -> None:
    assert base_urgency("咨询社保缴费", "") == 0
    assert base_urgency("咨询为何多次投诉无果", "") == 1


def test_priority_accepts_a_bare_level_and_unpacks() -> None:
    result = priority("neutral", 0, 3)
    score, level, reasons = result
    assert (result.priority, result.level) == (score, level) and level == "extreme"
    assert priority("neutral", 0, 0).level == "low"
