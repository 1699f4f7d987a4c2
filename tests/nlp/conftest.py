"""Fixtures for the NLP tests: small models trained on subsets of the shared data."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhongshu.nlp import datasets as ds
from zhongshu.nlp.paths import shared_data_dir

HAS_DATA = (shared_data_dir() / "appeals_teddycup2020" / "labelled_train.csv").exists()


@pytest.fixture(scope="session")
def small_models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A models dir with a fast category model and a small emotion model, both current."""
    if not HAS_DATA:
        pytest.skip(f"shared data not found at {shared_data_dir()} (set ZHONGSHU_SHARED_DATA)")
    from zhongshu.nlp.category import CategoryModel
    from zhongshu.nlp.emotion import EmotionModel, emotion_text
    from zhongshu.nlp.registry import ModelRegistry

    root = tmp_path_factory.mktemp("models")
    reg = ModelRegistry(root)
    apps = ds.labelled_appeals()[::2]
    cat = CategoryModel("fast", c=5.0).fit(
        [e.title for e in apps], [e.text for e in apps], [e.label for e in apps]
    )
    reg.save("category", cat, {"headline": {"metric": "test", "value": None}})
    weibo = ds.weibo_emotion(sources=("smp2020_usual_eval",))[:1200]
    inhouse, _ = ds.in_domain_split(ds.in_domain_appeals())
    texts = [e.text for e in weibo] + [emotion_text(e.title, e.text) for e, _ in inhouse]
    labels = [e.label for e in weibo] + [row["emotion"] for _, row in inhouse]
    emo = EmotionModel().fit(texts, labels)
    reg.save("emotion", emo, {"headline": {"metric": "test", "value": None}})
    return root


@pytest.fixture(scope="session")
def triage(small_models: Path):
    """A Triage over the small models."""
    from zhongshu.nlp.triage import Triage

    return Triage(small_models)
