"""Shipped data files and label mapping."""

from __future__ import annotations

import csv

import pytest

from zhongshu.nlp import datasets as ds
from zhongshu.nlp.lexicon import LEXICON_EMOTIONS, default_lexicon
from zhongshu.nlp.taxonomy import DEPARTMENTS, Taxonomy
from zhongshu.nlp.tokenize import words


@pytest.mark.parametrize(
    ("source", "ours"),
    [
        ("angry", "angry"),
        ("anger", "angry"),
        ("disgust", "angry"),
        ("fear", "anxious"),
        ("sad", "sad"),
        ("sadness", "sad"),
        ("happy", "positive"),
        ("happiness", "positive"),
        ("like", "positive"),
        ("neutral", "neutral"),
        ("none", "neutral"),
        ("surprise", None),
        ("Fear", "anxious"),
    ],
)
def test_emotion_label_mapping(source: str, ours: str | None) -> None:
    assert ds.map_emotion(source) == ours


def test_unknown_emotion_label_is_an_error() -> None:
    with pytest.raises(ValueError):
        ds.map_emotion("boredom")


def test_appeal_labels_hold_ids_and_labels_only() -> None:
    with open(ds.APPEAL_LABELS, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["id", "sample", "emotion", "intensity", "urgency"]
    assert len(rows) == 300
    for r in rows:
        assert r["id"].isdigit() and r["sample"] in ("random", "enriched")
        assert r["emotion"] in ds.EMOTIONS
        assert r["intensity"] in "0123" and r["urgency"] in "0123"
        assert (r["emotion"] == "neutral") == (r["intensity"] == "0")


def test_taxonomy_covers_all_first_levels_and_valid_departments() -> None:
    tax = Taxonomy.load()
    assert len(tax.level1_names) == 15
    assert {s.department for s in tax.subcategories} <= DEPARTMENTS.keys()
    assert tax.department("城乡建设", "违章建筑") == "zfj"
    assert tax.department("城乡建设") == "zjj"
    assert tax.department("经济管理") == "scjgj"
    assert tax.department("经济管理", "电力供应") == "gdgs"
    assert tax.department("不存在的类") == "township"


def test_lexicon_and_user_dictionary() -> None:
    lex = default_lexicon()
    assert {e for e, _ in lex.entries.values()} <= set(LEXICON_EMOTIONS)
    assert "拖欠工资" in words("包工头拖欠工资")
    assert "物业费" in words("物业费太高")


def test_split_is_deterministic() -> None:
    keys = [str(i) for i in range(1000)]
    first = [ds.in_test_split(k) for k in keys]
    assert first == [ds.in_test_split(k) for k in keys]
    assert 250 < sum(first) < 350


LEVEL1 = {r["level1"] for r in csv.DictReader(open(ds.PACKAGE_DATA / "taxonomy.csv", encoding="utf-8"))}


def test_category_labels_hold_ids_and_labels_only() -> None:
    with open(ds.CATEGORY_LABELS, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["id", "level1", "sure"]
    assert len(rows) == len({r["id"] for r in rows}) == 1200
    for r in rows:
        assert r["id"].isdigit() and r["level1"] in LEVEL1 and r["sure"] in ("0", "1")


def test_category_labels_never_repeat_an_evaluation_appeal() -> None:
    # the competition's labelled appeals are the category model's evaluation set: none of our
    # labelled appeals may be one of them (the same id, or the same title and text)
    if not (ds.shared_data_dir() / "appeals_teddycup2020").exists():
        pytest.skip(f"shared data not found at {ds.shared_data_dir()} (set ZHONGSHU_SHARED_DATA)")
    official = ds.labelled_appeals()
    ours = ds.category_labels()
    assert len(ours) == 1200
    assert not {e.id for e in ours} & {e.id for e in official}
    assert not {(e.title.strip(), e.text.strip()) for e in ours} & {(e.title.strip(), e.text.strip()) for e in official}
