"""Registry versioning, activation (rollback) and errors."""

from __future__ import annotations

import pytest

from zhongshu.core.errors import InvalidInput, NotFound
from zhongshu.nlp.registry import ModelRegistry


def test_save_list_activate_rollback(tmp_path) -> None:
    reg = ModelRegistry(tmp_path)
    v1 = reg.save("category", {"model": 1}, {"headline": {"metric": "m", "value": 0.7}})
    v2 = reg.save("category", {"model": 2}, {"headline": {"metric": "m", "value": 0.8}})
    assert v1 != v2
    assert reg.current("category") == v2
    assert reg.load("category") == {"model": 2}
    assert [v.version for v in reg.versions("category")] == [v1, v2]
    assert [v.current for v in reg.versions("category")] == [False, True]
    reg.activate("category", v1)
    assert reg.current("category") == v1
    assert reg.load("category") == {"model": 1}
    assert reg.report("category", v2)["headline"]["value"] == 0.8
    files = {p.name for p in (tmp_path / "category" / v1).iterdir()}
    assert files == {"model.joblib", "report.json", "MODEL_CARD.md"}
    assert "## This version" in (tmp_path / "category" / v1 / "MODEL_CARD.md").read_text(encoding="utf-8")


def test_save_without_activation_keeps_current(tmp_path) -> None:
    reg = ModelRegistry(tmp_path)
    v1 = reg.save("emotion", "a", {})
    reg.save("emotion", "b", {}, activate=False)
    assert reg.current("emotion") == v1


def test_no_model_yet_says_how_to_fix(tmp_path) -> None:
    with pytest.raises(NotFound) as err:
        ModelRegistry(tmp_path).load("category")
    assert "zhongshu nlp train" in str(err.value)


@pytest.mark.parametrize("version", ["nope", "../../etc", ""])
def test_activate_unknown_version(tmp_path, version: str) -> None:
    reg = ModelRegistry(tmp_path)
    reg.save("category", 1, {})
    with pytest.raises(NotFound):
        reg.activate("category", version)


def test_unknown_kind(tmp_path) -> None:
    with pytest.raises(InvalidInput):
        ModelRegistry(tmp_path).versions("sentiment")
