"""`zhongshu nlp` command functions: predict on JSON Lines with a bad line, errors."""

from __future__ import annotations

import io
import json

import pytest

from zhongshu.nlp import cli


def test_predict_json_lines_with_bad_lines(small_models) -> None:
    lines = [
        json.dumps({"id": "a1", "title": "路灯不亮", "text": "小区路灯坏了一个月"}, ensure_ascii=False),
        "{not json",
        json.dumps([1, 2]),
        "",
        json.dumps({"id": "a2", "title": None, "text": "请问社保怎么交"}, ensure_ascii=False),
        json.dumps({"id": "a3", "title": {"x": 1}, "text": "t"}),
    ]
    out = io.StringIO()
    errors = cli.run_predict(lines, out, small_models)
    rows = [json.loads(x) for x in out.getvalue().splitlines()]
    assert errors == 3 and len(rows) == 5
    assert rows[0]["id"] == "a1" and set(cli.OUTPUT_FIELDS) <= rows[0].keys()
    assert rows[1] == {"line": 2, "error": rows[1]["error"]} and "line 2" in rows[1]["error"]
    assert "line 3" in rows[2]["error"] and "line 6" in rows[4]["error"]
    assert rows[3]["id"] == "a2"


def test_management_command_predict_reads_stdin(small_models) -> None:
    from zhongshu.nlp.management.commands.nlp import Command

    out, err = io.StringIO(), io.StringIO()
    cmd = Command(stdout=out, stderr=err)
    cmd.stdin = io.StringIO('{"id": 1, "title": "噪音", "text": "工地夜间施工"}\nbad\n')
    cmd.handle(action="predict", models=str(small_models), accurate=False)
    rows = [json.loads(x) for x in out.getvalue().splitlines()]
    assert rows[0]["id"] == 1 and "error" in rows[1]
    assert "1 line(s)" in err.getvalue()


def test_command_without_models_says_train_first(tmp_path) -> None:
    from django.core.management.base import CommandError

    from zhongshu.nlp.management.commands.nlp import Command

    cmd = Command(stdout=io.StringIO(), stderr=io.StringIO())
    cmd.stdin = io.StringIO("{}\n")
    with pytest.raises(CommandError, match="zhongshu nlp train"):
        cmd.handle(action="predict", models=str(tmp_path), accurate=False)
    with pytest.raises(CommandError, match="model version"):
        cmd.handle(action="activate", kind="emotion", version="v0", models=str(tmp_path))


def test_command_parser_has_subcommands() -> None:
    from zhongshu.nlp.management.commands.nlp import Command

    parser = Command().create_parser("zhongshu", "nlp")
    assert parser.parse_args(["train", "--kind", "emotion"]).kind == "emotion"
    assert parser.parse_args(["activate", "category", "20260101T000000Z"]).version == "20260101T000000Z"
    assert parser.parse_args(["models"]).action == "models"


def test_models_listing_empty(tmp_path) -> None:
    assert cli.run_models(None, tmp_path) == []


def test_train_from_hub_records(tmp_path) -> None:
    """`zhongshu nlp train --records` path: retrain from corrected appeals, no shared data needed."""
    records = []
    for i in range(12):
        records.append(
            {
                "id": i,
                "title": f"小区物业乱收费{i}",
                "text": "物业公司乱收费，强烈要求查处",
                "category": "城乡建设",
                "emotion": "angry",
                "intensity": 2,
                "urgency": 1,
            }
        )
        records.append(
            {
                "id": 100 + i,
                "title": f"公交线路调整{i}",
                "text": "请问公交线路何时调整",
                "category": "交通运输",
                "emotion": "neutral",
                "intensity": 0,
                "urgency": 0,
            }
        )
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    out = io.StringIO()
    versions = cli.run_train_records(lines, tmp_path, say=lambda s: out.write(s + "\n"), include_weibo=False)
    assert set(versions) == {"category", "emotion"}
    assert {r["kind"] for r in cli.run_models(None, tmp_path)} == {"category", "emotion"}


def test_bad_records_line_is_reported(tmp_path) -> None:
    from zhongshu.core.errors import InvalidInput

    with pytest.raises(InvalidInput, match="line 2"):
        cli.run_train_records(['{"title": "a"}', "nope"], tmp_path)
