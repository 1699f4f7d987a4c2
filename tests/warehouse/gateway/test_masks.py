"""The SQL masks give the same strings as the Python masks in core.masks, for the same inputs."""

from __future__ import annotations

import datetime as dt
import random

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlglot import exp

from zhongshu.core import masks as py
from zhongshu.warehouse.gateway import MASK_KINDS, Limits, TablePolicy
from zhongshu.warehouse.gateway.masks import TOKEN_FUNCTION, mask_expression
from zhongshu.warehouse.gateway.worker import _token_function

KEY = b"mask-test-key-0123456789abcdefgh"


def _bank_card_last4(value: str) -> str:
    # The issue (#8) asks the gateway for the last 4 digits only; core.masks keeps 6 + 4 on screens.
    return py._keep_ends(value, 0, 4) if value else value


REFERENCE = {
    "id_number": py.mask_resident_id,
    "name": py.mask_name,
    "phone": py.mask_phone,
    "address": py.mask_address,
    "birth_date": py.mask_birth_date,
    "bank_card": _bank_card_last4,
    "token": lambda v: py.mask_token(v, KEY),
    "hide": py.MASK_KINDS["hide"],
}

EDGES = [
    "", "x", "张", "张三", "张三丰", "欧阳娜娜", "13812345678", "0633-8212345", "06338212345", "01012345678",
    "0201234567", "138", "1381234", "-", "12-", "371122199001011234", "37112219900101123X", "371122900101123",
    "6222021234567890123", "山东省日照市莒县城阳街道前李家庄村3组12号", "山东省日照市莒县招贤镇东王庄村5号",
    "莒县经济开发区浮来路8号", "山东省日照市莒县某处", "前李家庄村3组12号", "城阳街道", "山东省日照市莒县",
    "内蒙古自治区呼伦贝尔市某旗某镇1号", "1960-03-13", "19600313", "1960年3月13日", " 1960", "\u30001960",
    "１９６０", "19٦٠", "2024", "1799-01-01", "not a date", "e\u0301e\u0301", "'; --", "\\", "a\nb", "🙂🙂🙂🙂🙂🙂",
]


def _values(seed: int = 5, n: int = 4000) -> list[str | None]:
    rng = random.Random(seed)
    alphabet = list("0123456789X-*省市县区镇乡街道开发区山东日照莒城阳招贤村组号 \t\n\u3000١٩٠１９é\u0301'\"\\%_")
    alphabet += ["自治区", "自治州", "地区", "盟", "旗", "🙂"]
    return [None, *EDGES] + ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 32))) for _ in range(n)]


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    c.create_function(TOKEN_FUNCTION, _token_function(KEY), ["VARCHAR"], "VARCHAR", type="arrow",
                      null_handling="special")
    return c


def test_every_kind_has_a_reference():
    assert set(REFERENCE) == set(MASK_KINDS)


@pytest.mark.parametrize("kind", sorted(REFERENCE))
def test_sql_mask_equals_python_mask(con, kind):
    values = _values()
    con.register("vals", pa.table({"v": pa.array(values, pa.string())}))
    sql = mask_expression(kind, exp.column("v", quoted=True)).sql("duckdb")
    got = [row[0] for row in con.sql(f"SELECT {sql} FROM vals").fetchall()]
    expected = [None if v is None else REFERENCE[kind](v) for v in values]
    wrong = [(v, g, e) for v, g, e in zip(values, got, expected) if g != e]
    assert not wrong, wrong[:5]


def test_masks_apply_to_non_text_columns_through_their_text(con):
    sql = mask_expression("birth_date", exp.column("d", quoted=True)).sql("duckdb")
    rows = con.sql(f"SELECT {sql} FROM (VALUES (DATE '1960-03-13'), (NULL::DATE)) t(d)").fetchall()
    assert rows == [("1960",), (None,)]
    sql = mask_expression("phone", exp.column("p", quoted=True)).sql("duckdb")
    assert con.sql(f"SELECT {sql} FROM (VALUES (13812345678::BIGINT)) t(p)").fetchall() == [("138****5678",)]


def test_the_gateway_returns_the_python_masked_strings(tmp_path, gateway):
    values = [v for v in _values(seed=9, n=300) if v is not None]
    table = {kind: pa.array(values, pa.string()) for kind in REFERENCE}
    table["birth"] = pa.array([dt.date(1930 + i % 90, 1 + i % 12, 1 + i % 28) for i in range(len(values))])
    table["k"] = pa.array(range(len(values)))
    path = tmp_path / "m.parquet"
    pq.write_table(pa.table(table), path)
    masks = {kind: kind for kind in REFERENCE} | {"birth": "birth_date"}
    policy = TablePolicy("m", (str(path),), (*REFERENCE, "birth", "k"), masks, None, "g-m")
    result = gateway.run(f"SELECT {', '.join(REFERENCE)}, birth FROM m ORDER BY k", {"m": policy}, token_key=KEY,
                         limits=Limits(max_rows=1000))
    for i, row in enumerate(result.rows):
        for kind, got in zip(REFERENCE, row):
            assert got == REFERENCE[kind](values[i]), (kind, values[i], got)
        assert row[-1] == str(1930 + i % 90)


def test_bank_card_keeps_only_the_last_four_unlike_the_screen_mask(con):
    sql = mask_expression("bank_card", exp.column("c", quoted=True)).sql("duckdb")
    [(got,)] = con.sql(f"SELECT {sql} FROM (VALUES ('6222021234567890123')) t(c)").fetchall()
    assert got == "***************0123"
    assert py.mask_bank_card("6222021234567890123") == "622202*********0123"  # screens: 6 + 4
