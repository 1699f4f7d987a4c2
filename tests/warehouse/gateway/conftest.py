"""A small synthetic county warehouse (real Parquet files), its policies, and a real gateway pool.

`warehouse(variant)` writes the same persons/households tables in three variants:

- "a": the reference;
- "b": like "a" but every character a mask hides is different (the middle 8 digits of ID numbers,
  given names, the middle 4 phone digits, address tails below the township, birth month and day,
  bank card digits but the last 4, the hidden note) — lengths kept where a mask keeps them;
- "c": like "a" for every row the row filter lets through, but the rows it removes differ and
  more are added, with values chosen to trip error oracles (overflowing numbers, uncastable text,
  a row at the start and the end).
"""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path
from types import SimpleNamespace

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from zhongshu.warehouse.gateway import Gateway, Limits, TablePolicy

KEY = b"gateway-test-key-0123456789abcdef"
TOWNS = ["城阳街道", "店子集街道", "招贤镇", "夏庄镇", "库山乡", "经济开发区"]
HIDDEN_TOWN = "库山乡"
SURNAMES = "王李张刘陈杨黄赵吴周"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超"
ROWS = 600
PERSON_COLUMNS = (
    "id_number", "name", "phone", "address", "birth_date", "bank_card", "note", "township", "age", "income",
    "household_id",
)
PERSON_MASKS = {
    "id_number": "id_number", "name": "name", "phone": "phone", "address": "address",
    "birth_date": "birth_date", "bank_card": "bank_card", "note": "hide",
}
ROW_FILTER = f"township <> '{HIDDEN_TOWN}' AND age < 150"
ATTACK_LIMITS = Limits(max_rows=200, timeout_s=20, memory_mb=512)


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _person(rng: random.Random, i: int) -> dict:
    town = TOWNS[i % len(TOWNS)]
    birth = dt.date(1940 + rng.randrange(70), 1 + rng.randrange(12), 1 + rng.randrange(28))
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    return {
        "id_number": f"371122{birth:%Y%m%d}{_digits(rng, 3)}{rng.choice('0123456789X')}",
        "name": rng.choice(SURNAMES) + given,
        "phone": "1" + rng.choice("3456789") + _digits(rng, 9),
        "address": f"山东省日照市莒县{town}{rng.choice('东西南北')}{rng.choice('王李张')}庄村{rng.randrange(1, 9)}组{rng.randrange(1, 99)}号",
        "birth_date": birth,
        "bank_card": "6222" + _digits(rng, 15),
        "note": rng.choice(["低保", "残疾", "", "独居老人", "退役军人"]),
        "township": town,
        "age": 2026 - birth.year if i % 37 else 151 + rng.randrange(50),  # a few filtered by age too
        "income": round(rng.uniform(500, 9000), 2),
        "household_id": i // 3,
    }


def _vary_masked(rng: random.Random, p: dict) -> dict:
    """Change only what the masks hide (variant b)."""
    q = dict(p)
    q["id_number"] = p["id_number"][:6] + _digits(rng, 8) + p["id_number"][14:]
    q["name"] = p["name"][0] + "".join(rng.choice(GIVEN) for _ in p["name"][1:])
    q["phone"] = p["phone"][:3] + _digits(rng, 4) + p["phone"][7:]
    keep = re.match(r"^山东省日照市莒县.+?(?:街道|镇|乡|开发区)", p["address"]).group(0)
    q["address"] = keep + rng.choice(["前", "后", "大"]) + "村" + str(rng.randrange(1, 999)) + "号"
    q["birth_date"] = dt.date(p["birth_date"].year, 1 + rng.randrange(12), 1 + rng.randrange(28))
    q["bank_card"] = _digits(rng, len(p["bank_card"]) - 4) + p["bank_card"][-4:]
    q["note"] = rng.choice(["低保", "残疾", "独居老人", "退役军人", "困难"]) if p["note"] else ""
    return q


def _hidden_oddities(rng: random.Random) -> list[dict]:
    """Rows the row filter removes, with values that would trip an error or range oracle (variant c)."""
    rows = []
    for n, (town, age) in enumerate([(HIDDEN_TOWN, 30), (HIDDEN_TOWN, 9_000_000_000_000_000_000), ("城阳街道", 151),
                                     (HIDDEN_TOWN, -5), ("招贤镇", 4_000_000_000), (HIDDEN_TOWN, 0)]):
        rows.append({
            "id_number": ["x", "", "37112219990101999X", "999999999999999999", "abc", "371122000000000000"][n],
            "name": ["x", "1", "", "张" * 40, "'; --", "王五"][n],
            "phone": ["", "abc", "0633-1234567", "1", "13800000000", "99999999999"][n],
            "address": ["", "莒县", "山东省日照市莒县库山乡", "x" * 300, "城阳街道", "库山乡王庄"][n],
            "birth_date": dt.date(1800 + n * 50, 1, 1),
            "bank_card": ["", "1", "x", "6222000000000000000", "0", "12345"][n],
            "note": ["", "绝密", "x", "", "低保", "残疾"][n],
            "township": town,
            "age": age,
            "income": [1e308, -1e308, 0.0, float("nan"), 1e-300, 123.0][n],
            "household_id": 10_000 + n,
        })
    return rows


def build_rows(variant: str) -> tuple[list[dict], list[dict]]:
    rng = random.Random(20261203)
    persons = [_person(rng, i) for i in range(ROWS)]
    households = [
        {"household_id": h, "head_id": persons[h * 3]["id_number"], "size": 1 + h % 6, "township": persons[h * 3]["township"]}
        for h in range(ROWS // 3)
    ]
    if variant == "b":
        vary = random.Random(99)
        persons = [_vary_masked(vary, p) for p in persons]
    elif variant == "c":
        odd = random.Random(7)
        changed = []
        for p in persons:
            if p["township"] == HIDDEN_TOWN or p["age"] >= 150:
                # still removed by the filter: a row hidden by its age keeps an age of 150 or more
                ages = [0, 9_000_000_000_000_000_000, 999] if p["township"] == HIDDEN_TOWN else [999, 9_000_000_000_000_000_000]
                p = dict(p, name=odd.choice(["x", "1", "赵"]), age=odd.choice(ages),
                         income=odd.choice([0.0, 1e308]), id_number=odd.choice(["", "x", p["id_number"]]))
            changed.append(p)
        extra = _hidden_oddities(odd)
        persons = [extra[0], *changed[:300], *extra[1:4], *changed[300:], *extra[4:]]
    return persons, households


def _write(path: Path, rows: list[dict], schema: pa.Schema) -> str:
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)
    return str(path)


PERSON_SCHEMA = pa.schema([
    ("id_number", pa.string()), ("name", pa.string()), ("phone", pa.string()), ("address", pa.string()),
    ("birth_date", pa.date32()), ("bank_card", pa.string()), ("note", pa.string()), ("township", pa.string()),
    ("age", pa.int64()), ("income", pa.float64()), ("household_id", pa.int64()),
])
HOUSEHOLD_SCHEMA = pa.schema([
    ("household_id", pa.int64()), ("head_id", pa.string()), ("size", pa.int64()), ("township", pa.string()),
])


def write_warehouse(folder: Path, variant: str) -> dict[str, TablePolicy]:
    """Write one variant's Parquet files and return the analyst's policies over them."""
    folder.mkdir(parents=True, exist_ok=True)
    persons, households = build_rows(variant)
    pfile = _write(folder / "persons.parquet", persons, PERSON_SCHEMA)
    hfile = _write(folder / "households.parquet", households, HOUSEHOLD_SCHEMA)
    return {
        "persons": TablePolicy("persons", (pfile,), PERSON_COLUMNS, PERSON_MASKS, ROW_FILTER, "grant-persons"),
        "households": TablePolicy(
            "households", (hfile,), ("household_id", "head_id", "size", "township"), {"head_id": "token"}, None,
            "grant-households",
        ),
    }


@pytest.fixture(scope="session")
def warehouses(tmp_path_factory) -> dict[str, dict[str, TablePolicy]]:
    """Policies over the three variants, keyed "a", "b", "c"."""
    root = tmp_path_factory.mktemp("gateway-warehouse")
    return {v: write_warehouse(root / v, v) for v in ("a", "b", "c")}


@pytest.fixture(scope="session")
def gateway():
    """A real pool of two sandbox workers, shared by the gateway tests."""
    with Gateway(2) as g:
        yield g


def read_corpus(name: str) -> list[tuple[list[str], str, str]]:
    """Blocks of a corpus file in this folder: (expected codes, what it tries, statement).

    A block is a comment line `-- [codes] what` (or `-- what` when no outcome is expected) and the
    statement; blocks are separated by blank lines. In blocks marked `(escaped)`, \\xNN and \\uNNNN
    stand for invisible or control characters.
    """
    text = (Path(__file__).parent / name).read_text(encoding="utf-8")
    out = []
    for block in text.split("\n\n"):
        lines = block.strip("\n").split("\n")
        head = re.match(r"^-- (?:\[([a-z_|]+)\])?( \(escaped\))? ?(.*)$", lines[0])
        sql = "\n".join(lines[1:])
        if not head or all(line.startswith("--") for line in lines):
            continue  # the file's header comment
        if head.group(2):
            sql = re.sub(r"\\x([0-9a-f]{2})|\\u([0-9a-f]{4})", lambda m: chr(int(m.group(1) or m.group(2), 16)), sql)
        out.append(((head.group(1) or "").split("|") if head.group(1) else [], head.group(3), sql))
    return out


@pytest.fixture(scope="session")
def corpus():
    return read_corpus


@pytest.fixture(scope="session")
def county():
    """This module's data builders and constants, for test modules (conftest is not importable by name)."""
    return SimpleNamespace(
        KEY=KEY, ATTACK_LIMITS=ATTACK_LIMITS, HIDDEN_TOWN=HIDDEN_TOWN, ROW_FILTER=ROW_FILTER,
        PERSON_COLUMNS=PERSON_COLUMNS, PERSON_MASKS=PERSON_MASKS, build_rows=build_rows,
        write_warehouse=write_warehouse,
    )
