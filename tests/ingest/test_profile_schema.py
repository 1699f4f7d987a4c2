"""Profiles label synthetic columns; schema diffs name what drifted."""

from __future__ import annotations

import random

import pyarrow as pa
import pyarrow.parquet as pq

from zhongshu.core import identifiers
from zhongshu.ingest.profile import profile
from zhongshu.ingest.schema import diff_schemas

W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def pid(rng: random.Random) -> str:
    body = f"371122{rng.randint(1950, 2010)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, W, strict=True)) % 11]


def luhn_card(rng: random.Random) -> str:
    body = "622848" + "".join(str(rng.randint(0, 9)) for _ in range(12))
    for d in "0123456789":
        if identifiers.luhn_ok(body + d):
            return body + d
    raise AssertionError


def test_profile_labels(tmp_path):
    rng = random.Random(1)
    n = 3000
    table = pa.table(
        {
            "身份证号": [pid(rng) for _ in range(n)],
            "姓名": [
                rng.choice("王李张刘陈") + rng.choice("伟芳娜敏") + rng.choice(["", "强"]) for _ in range(n)
            ],
            "手机": [f"13{rng.randint(0, 999999999):09d}" for _ in range(n)],
            "卡号": [luhn_card(rng) for _ in range(n)],
            "住址": [f"山东省日照市莒县城阳街道{rng.randint(1, 99)}号" for _ in range(n)],
            "人口数": [rng.randint(1, 8) if i % 10 else None for i in range(n)],
        }
    )
    path = tmp_path / "v.parquet"
    pq.write_table(table, path)
    got = {p.name: p for p in profile([path], sample=1000)}
    assert {k: v.label for k, v in got.items()} == {
        "身份证号": "resident_id",
        "姓名": "name",
        "手机": "mobile",
        "卡号": "bank_card",
        "住址": "address",
        "人口数": None,
    }
    assert got["身份证号"].sensitivity.grade == "重要" and got["身份证号"].sensitivity.sensitive_personal
    assert got["身份证号"].min is None  # personal data: no values in the profile
    assert got["人口数"].min == "1" and abs(got["人口数"].null_share - 0.1) < 0.01
    assert got["人口数"].type == "integer" and 7 <= got["人口数"].distinct <= 9


def test_schema_diff():
    d = diff_schemas(
        [("id", "integer"), ("name", "string"), ("born", "date")],
        [("id", "string"), ("name", "string"), ("phone", "string")],
    )
    assert d.added == ["phone"] and d.removed == ["born"]
    assert [(t.name, t.old_type, t.new_type) for t in d.type_changed] == [("id", "integer", "string")]
    assert diff_schemas([("a", "string")], [("a", "string")]).unchanged
