"""Engine, version diffs and quality rules on real Parquet files."""

from __future__ import annotations

import random
from functools import partial

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from zhongshu.core import identifiers
from zhongshu.core.errors import EngineError, InvalidInput
from zhongshu.ingest.profile import FieldProfile
from zhongshu.warehouse.diff import diff_rows, diff_versions
from zhongshu.warehouse.engine import DuckDBEngine
from zhongshu.warehouse.quality import (
    Rule,
    luhn_ok_sql,
    propose_rules,
    resident_id_ok_sql,
    run_rules,
    uscc_ok_sql,
)


def write(path, **cols):
    pq.write_table(pa.table(cols), path)
    return path


def test_engine_query_count_and_errors(tmp_path):
    f1 = write(tmp_path / "a.parquet", x=list(range(10)))
    f2 = write(tmp_path / "b.parquet", x=list(range(5)))
    with DuckDBEngine(memory_limit="512MB", threads=1) as eng:
        assert eng.count([f1, f2]) == 15
        assert eng.query("SELECT ? + 1 AS y", [41]).to_pylist() == [{"y": 42}]
        assert eng.read_version([f1]).count("*").fetchall() == [(10,)]
        with pytest.raises(EngineError) as info:
            eng.query("SELECT CAST('110105194912310021X' AS INTEGER)")
        assert "110105" not in str(info.value)
        with pytest.raises(InvalidInput, match="missing"):
            eng.count([tmp_path / "gone.parquet"])


def test_diff_versions(tmp_path):
    old = write(tmp_path / "old.parquet", id=["1", "2", "3", "4"], v=[1, 2, 3, 4])
    new = write(tmp_path / "new.parquet", id=["2", "3", "4", "5", "6"], v=[2, 30, 4, 5, 6], extra=["a"] * 5)
    d = diff_versions([old], [new], ["id"], samples=1)
    assert (d.old_rows, d.new_rows, d.added_keys, d.removed_keys, d.changed_keys) == (4, 5, 2, 1, 1)
    assert d.sample_added == [("5",)] and d.sample_removed == [("1",)] and d.sample_changed == [("3",)]
    with pytest.raises(InvalidInput, match="key column"):
        diff_versions([old], [new], ["nope"])


def test_diff_rows_without_key(tmp_path):
    old = write(tmp_path / "old.parquet", a=[1, 1, 2, 3], b=["x", "x", "y", "z"])
    new = write(tmp_path / "new.parquet", a=["1", "2", "3", "4"], b=["x", "y", "Z", "w"], extra=[0] * 4)
    d = diff_rows([old], [new])
    # one duplicate (1, x) and (3, z) removed; (3, Z) and (4, w) added; integer → text is no change
    assert (d.old_rows, d.new_rows, d.added_rows, d.removed_rows, d.columns) == (4, 4, 2, 2, ["a", "b"])


def test_check_digit_sql_matches_python():
    rng = random.Random(3)
    ids = []
    for _ in range(3000):
        birth = rng.choice(["19900101", "20001231", "19900230", "18000101", "20241301"])
        body = f"{rng.randint(0, 999999):06d}{birth}{rng.randint(0, 999):03d}"
        ids.append(body + rng.choice("0123456789Xx"))
    cards = ["".join(str(rng.randint(0, 9)) for _ in range(rng.randint(15, 20))) for _ in range(3000)]
    cs = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    usccs = ["".join(rng.choice(cs) for _ in range(18)) for _ in range(3000)] + ["91350100M000100Y43"]
    # valid check characters, some with a wrong embedded organisation code
    bodies = ["".join(rng.choice("0123456789ABCDEFGH") for _ in range(8)) for _ in range(300)]
    good = [identifiers.make_uscc("371122", b) for b in bodies]
    usccs += good + [(u[:16] + c)[:17] for u, c in zip(good, "0123456789X" * 30)]
    usccs = [u if len(u) == 18 else u + identifiers.uscc_check_char(u) for u in usccs]
    con = duckdb.connect()
    for values, sql, py in (
        (ids, resident_id_ok_sql, identifiers.is_valid_resident_id),
        (cards, luhn_ok_sql, identifiers.is_bank_card),
        (usccs, uscc_ok_sql, identifiers.is_valid_uscc),
        (usccs, partial(uscc_ok_sql, check_org_code=False), partial(identifiers.is_valid_uscc, check_org_code=False)),
    ):
        con.execute("CREATE OR REPLACE TABLE t AS SELECT unnest(?) AS v", [values])
        got = [
            r[0] for r in con.execute(f"SELECT coalesce({sql('v')}, false) FROM t ORDER BY rowid").fetchall()
        ]
        want = [bool(py(v)) for v in values]
        assert got == want and any(want) and not all(want)


def test_quality_rules(tmp_path):
    a = write(
        tmp_path / "a.parquet",
        pid=["11010519491231002X", "110105194912310021", None],
        age=[30, 200, 5],
        sex=["男", "女", "未知"],
        dept=["gaj", "zzz", "gaj"],
    )
    b = write(tmp_path / "b.parquet", pid=["11010519491231002X"], age=[40], sex=["男"], dept=["gaj"])
    ref = write(tmp_path / "ref.parquet", code=["gaj", "dsj"])
    rules = [
        Rule("required", "pid"),
        Rule("unique", "pid"),
        Rule("check_digit", "pid", {"scheme": "resident_id"}),
        Rule("format", "sex", {"pattern": "[男女]"}),
        Rule("range", "age", {"min": 0, "max": 120}),
        Rule("allowed_values", "sex", {"values": ["男", "女"]}),
        Rule("reference", "dept", {"files": [ref], "column": "code"}),
    ]
    got = {r.rule.kind + ":" + r.rule.column: (r.failed, r.failing_rows) for r in run_rules([a, b], rules)}
    assert got == {
        "required:pid": (1, [3]),
        "unique:pid": (2, [1, 4]),
        "check_digit:pid": (1, [2]),
        "format:sex": (1, [3]),
        "range:age": (1, [2]),
        "allowed_values:sex": (1, [3]),
        "reference:dept": (1, [2]),
    }


def test_propose_rules():
    def fp(name, label, null_share=0.0):
        return FieldProfile(name, "string", "VARCHAR", 10, null_share, 10, None, None, label=label)

    rules = propose_rules(
        [fp("身份证号", "resident_id"), fp("手机", "mobile", 0.2), fp("id", None)], key_columns=["id"]
    )
    kinds = {(r.kind, r.column) for r in rules}
    assert {
        ("required", "身份证号"),
        ("check_digit", "身份证号"),
        ("format", "手机"),
        ("unique", "id"),
        ("required", "id"),
    } <= kinds
    assert ("required", "手机") not in kinds
