"""Triage output schema and robustness to odd inputs."""

from __future__ import annotations

import pytest

from zhongshu.nlp.datasets import EMOTIONS
from zhongshu.nlp.taxonomy import DEPARTMENTS, Taxonomy

KEYS = {
    "category",
    "category_l2",
    "department",
    "department_name",
    "category_confidence",
    "emotion",
    "emotion_confidence",
    "intensity",
    "urgency",
    "priority",
    "level",
    "reasons",
    "reasons_by_part",
    "versions",
}


def check_schema(out: dict) -> None:
    assert KEYS <= out.keys()
    assert out["category"] in Taxonomy.load().level1_names
    assert out["department"] in DEPARTMENTS
    assert 0.0 <= out["category_confidence"] <= 1.0
    assert out["emotion"] in EMOTIONS
    assert out["intensity"] in (0, 1, 2, 3)
    assert out["urgency"] in (0, 1, 2, 3)
    assert 0 <= out["priority"] <= 100
    assert out["level"] in ("extreme", "high", "normal", "low")
    assert set(out["reasons_by_part"]) == {"category", "emotion", "urgency", "priority"}
    assert all(isinstance(r, str) for r in out["reasons"])


def test_predict_schema_and_reasons(triage) -> None:
    out = triage.predict("小区物业乱收费", "物业公司多次乱收费，强烈要求住建部门查处！忍无可忍！")
    check_schema(out)
    assert out["category"] == "城乡建设"
    assert out["department"] == "zjj"
    assert any("忍无可忍" in r for r in out["reasons_by_part"]["emotion"])
    assert out["reasons_by_part"]["category"][0].startswith("model:")


def test_rule_layer_routes_uncovered_categories(triage) -> None:
    out = triage.predict("村里停电三天了", "供电所一直没人来修，家里老人孩子没电用")
    assert (out["category"], out["category_l2"], out["department"]) == ("经济管理", "电力供应", "gdgs")
    assert out["reasons_by_part"]["category"][0].startswith("rule ")


def test_self_harm_is_extreme(triage) -> None:
    out = triage.predict("讨薪无果", "老板拖欠工资一年，我实在活不下去了，想跳楼")
    assert out["level"] == "extreme"
    assert out["urgency"] == 3


ODD = {
    "empty": ("", ""),
    "none": (None, None),
    "whitespace": ("  ", "\n\t  "),
    "long": ("很长的留言", "小区噪音扰民，" * 3000),
    "emoji": ("😡😡", "物业太差了🤬🤬🙏 求解决 👍"),
    "html": ("<b>投诉</b>", "<div><p>路灯&nbsp;不亮</p><script>alert(1)</script><br/></div>"),
    "numbers": (12345, 3.5),
    "unbalanced_html": ("<<<", "<p 没有闭合 & < > ＜"),
}


@pytest.mark.parametrize("name", list(ODD))
def test_odd_inputs_do_not_crash(triage, name: str) -> None:
    title, text = ODD[name]
    check_schema(triage.predict(title, text))


def test_predict_many_accepts_dicts_and_tuples(triage) -> None:
    items = [
        {"title": "公交车不准时", "text": "等了半小时"},
        ("学校乱收费", "补课费太高"),
        {"text": "请问社保怎么交"},
    ]
    outs = list(triage.predict_many(items * 100))
    assert len(outs) == 300
    for out in outs[:3]:
        check_schema(out)


def test_long_text_is_bounded(triage) -> None:
    import time

    t0 = time.perf_counter()
    triage.predict("长文", "噪音" * 10000)
    assert time.perf_counter() - t0 < 2.0


def test_empty_appeal_is_low_and_says_so(triage) -> None:
    out = triage.predict("", "")
    assert (out["urgency"], out["level"]) == (0, "low")
    assert out["reasons_by_part"]["category"] == ["empty appeal: nothing to classify"]


def _accurate_registry(tmp_path):
    """A registry with a small accurate category model (real e5 embeddings, taxonomy-like topics)
    and a fast emotion model, but no accurate emotion model."""
    from zhongshu.nlp.category import CategoryModel
    from zhongshu.nlp.emotion import EmotionModel
    from zhongshu.nlp.registry import ModelRegistry

    topics = {
        "城乡建设": ["小区物业不作为", "楼盘烂尾无人管", "小区电梯坏了", "物业乱收费"],
        "交通运输": ["公交线路太少", "出租车拒载", "道路拥堵严重", "公交站牌损坏"],
        "教育文体": ["学校乱收补课费", "幼儿园收费太高", "学校食堂不卫生", "教师体罚学生"],
    }
    titles = [t for items in topics.values() for t in items]
    labels = [k for k, items in topics.items() for _ in items]
    prototypes = [("城乡建设", "城乡建设 住房保障与房地产 物业服务"), ("交通运输", "交通运输 出租车管理 网约车问题"),
                  ("教育文体", "教育文体 教育收费 乱收费")]
    reg = ModelRegistry(tmp_path)
    cat = CategoryModel("accurate").fit(titles, [f"{t}，请处理。" for t in titles], labels, prototypes)
    reg.save("category_accurate", cat, {"headline": {"metric": "test", "value": None}})
    emo = EmotionModel().fit(["太气人了！", "气死我了", "愤怒", "好开心", "真高兴", "太棒了"], ["angry"] * 3 + ["positive"] * 3)
    reg.save("emotion", emo, {"headline": {"metric": "test", "value": None}})
    return reg


def test_accurate_triage_uses_the_fast_emotion_model_until_the_accurate_one_exists(tmp_path) -> None:
    from zhongshu.nlp.triage import Triage

    _accurate_registry(tmp_path)
    t = Triage(tmp_path, accurate=True)
    assert set(t.versions) == {"category_accurate", "emotion"}
    out = t.predict("物业乱收费", "小区物业费年年涨，服务越来越差")
    assert out["category"] == "城乡建设"
    assert "topic: 城乡建设 住房保障与房地产 物业服务" in out["reasons_by_part"]["category"]


def test_hub_falls_back_to_the_fast_models_when_accurate_ones_are_missing(small_models, settings) -> None:
    from functools import partial

    from zhongshu.appeals.triage import _open_triage
    from zhongshu.nlp.triage import Triage

    settings.ZHONGSHU_TRIAGE_ACCURATE = True
    t = _open_triage(partial(Triage, small_models))  # small_models has no category_accurate
    assert "category" in t.versions and "category_accurate" not in t.versions
    settings.ZHONGSHU_TRIAGE_ACCURATE = False
    assert "category" in _open_triage(partial(Triage, small_models)).versions
