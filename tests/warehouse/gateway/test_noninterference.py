"""Non-interference: what the caller cannot see cannot change what the caller gets.

Two warehouses that differ only in characters a mask hides (a/b), and two that differ only in rows
the row filter removes (a/c), must give identical results *and* identical error/no-error outcomes
to every query — range and binary searches in WHERE, LIKE prefixes, substr/length probes, joins
against candidate lists, GROUP BY/ORDER BY/windows, a CTE used twice, set operations, division by
zero and cast-error oracles, overflow oracles on hidden rows. The same queries run on plain DuckDB
over the clear files must mostly *differ* between the warehouses, or the suite would prove nothing.
"""

from __future__ import annotations

import random

import duckdb
import pytest

from zhongshu.warehouse.gateway import GatewayError, GatewayRefused


def generated_attacks(county) -> list[str]:
    """Several hundred attack queries from templates, deterministic."""
    rng = random.Random(8)
    a, b = county.build_rows("a")[0], county.build_rows("b")[0]
    q: list[str] = []
    # 1. range / binary search on the ID number, prefix by prefix
    for length in range(7, 15):
        for _ in range(5):
            q.append(f"SELECT count(*) FROM persons WHERE id_number > '371122{rng.choice(a)['id_number'][6:length]}'")
    # 2. binary search on one person, identified by a clear column, toward their true ID (a and b)
    for target in (a[5], a[17], b[5]):
        for length in range(7, 19):
            q.append(f"SELECT count(*) FROM persons WHERE income = {target['income']} "
                     f"AND id_number < '{target['id_number'][:length]}'")
    # 3. LIKE prefixes on ID numbers, names and phones
    for p in rng.sample(a, 10) + rng.sample(b, 5):
        q.append(f"SELECT count(*) FROM persons WHERE id_number LIKE '{p['id_number'][:10]}%'")
        q.append(f"SELECT count(*) FROM persons WHERE name LIKE '{p['name'][:2]}%'")
        q.append(f"SELECT count(*) FROM persons WHERE phone LIKE '{p['phone'][:5]}%'")
    # 4. substr / length probes on every hidden position
    for i in range(7, 15):
        for d in rng.sample("0123456789", 3):
            q.append(f"SELECT count(*) FROM persons WHERE substr(id_number, {i}, 1) = '{d}'")
    for i in range(4, 8):
        q.append(f"SELECT substr(phone, {i}, 1) AS c, count(*) FROM persons GROUP BY c ORDER BY c")
    for g in "伟芳娜秀英敏":
        q.append(f"SELECT count(*) FROM persons WHERE substr(name, 2, 1) = '{g}'")
    q.append("SELECT length(address) AS n, count(*) FROM persons GROUP BY n ORDER BY n")
    q.append("SELECT length(bank_card), length(note), count(*) FROM persons GROUP BY ALL ORDER BY ALL")
    # 5. joins against candidate lists (true values of a and of b)
    for source, col in ((a, "id_number"), (b, "id_number"), (a, "name"), (b, "name"), (a, "phone"), (b, "phone"),
                        (a, "bank_card"), (a, "address"), (b, "address"), (a, "note")):
        for _ in range(2):
            values = ", ".join(f"('{p[col]}')" for p in rng.sample(source, 12))
            q.append(f"SELECT count(*) FROM persons p JOIN (VALUES {values}) v(x) ON p.{col} = v.x")
    values = ", ".join(f"('{p['id_number']}')" for p in a[:30])
    q.append(f"SELECT count(*) FROM households WHERE head_id IN (SELECT x FROM (VALUES {values}) v(x))")
    # 6. GROUP BY / ORDER BY / windows
    for k in range(6, 19, 2):
        q.append(f"SELECT substr(id_number, 1, {k}) AS p, count(*) FROM persons GROUP BY p ORDER BY p")
    for col in ("id_number", "name", "phone", "bank_card", "birth_date", "address"):
        q.append(f"SELECT {col}, income FROM persons ORDER BY {col}, income LIMIT 15")
        q.append(f"SELECT income, ntile(4) OVER (ORDER BY {col}, income) AS t FROM persons ORDER BY income LIMIT 30")
        q.append(f"SELECT {col}, count(*) FROM persons GROUP BY {col} ORDER BY count(*) DESC, {col} LIMIT 10")
    # 7. a CTE used twice
    for col in ("id_number", "name", "phone", "bank_card", "note"):
        q.append(f"WITH c AS (SELECT {col} AS v, income FROM persons) "
                 f"SELECT count(*) FROM c x JOIN c y ON x.v = y.v AND x.income < y.income")
        q.append(f"WITH c AS (SELECT {col} AS v FROM persons WHERE age > 40) "
                 f"SELECT (SELECT count(DISTINCT v) FROM c), (SELECT min(v) FROM c)")
    # 8. UNION / INTERSECT / EXCEPT with candidates
    for p in rng.sample(a, 6) + rng.sample(b, 4):
        q.append(f"SELECT count(*) FROM (SELECT id_number FROM persons UNION SELECT '{p['id_number']}') s")
        q.append(f"SELECT count(*) FROM (SELECT name FROM persons INTERSECT SELECT '{p['name']}') s")
        q.append(f"SELECT count(*) FROM (SELECT phone FROM persons EXCEPT SELECT '{p['phone']}') s")
    # 9. division by zero keyed on a hidden character
    for i in range(7, 15):
        q.append(f"SELECT sum(1 / (CASE WHEN substr(id_number, {i}, 1) = '1' THEN 0 ELSE 1 END)) FROM persons")
        q.append(f"SELECT sum(100 // (CASE WHEN substr(id_number, {i}, 1) < '5' THEN 0 ELSE 1 END)) FROM persons")
    for i in range(4, 8):
        q.append(f"SELECT sum(age % (CASE WHEN substr(phone, {i}, 1) = '7' THEN 0 ELSE 3 END)) FROM persons")
    # 10. cast-error oracles keyed on a hidden character
    for i in range(7, 15):
        for d in "05":
            q.append(f"SELECT count(*) FROM persons WHERE "
                     f"CAST(CASE WHEN substr(id_number, {i}, 1) = '{d}' THEN 'x' ELSE '1' END AS INTEGER) = 1")
    for i in range(4, 8):
        q.append(f"SELECT count(*) FROM persons WHERE CAST(substr(phone, {i}, 1) AS INTEGER) >= 0")
    q.append("SELECT count(*) FROM persons WHERE CAST(bank_card AS BIGINT) > 0")
    q.append("SELECT count(*) FROM persons WHERE CAST(substr(bank_card, 1, 4) AS INTEGER) = 6222")
    # 11. hidden-row oracles (a/c): values only hidden rows hold
    for v in (0, 30, 151, 999, -5, 4_000_000_000, 9_000_000_000_000_000_000):
        q.append(f"SELECT count(*) FROM persons WHERE age = {v}")
        q.append(f"SELECT count(*) FROM persons WHERE CAST(CASE WHEN age = {v} THEN 'x' ELSE '1' END AS INTEGER) = 1")
        q.append(f"SELECT sum(1 / (age - ({v}))) FROM persons")
    for factor in (10, 1_000_000, 1_000_000_000_000):
        q.append(f"SELECT count(*) FROM persons WHERE age * {factor} > 0")
    for name in ("x", "1", "", "''; --", "赵"):
        q.append(f"SELECT count(*) FROM persons WHERE name = '{name}'")
        q.append(f"SELECT count(*) FROM persons WHERE CAST(CASE WHEN name = '{name}' THEN 'x' ELSE '1' END AS INT) = 1")
    q.append("SELECT count(*) FROM persons WHERE income > 1e300 OR income < -1e300 OR isnan(income)")
    q.append("SELECT sum(income * 1e10) FROM persons")
    q.append("SELECT count(*) FROM persons WHERE CAST(id_number AS BIGINT) > 0")
    q.append("SELECT count(*) FROM persons WHERE household_id >= 10000")
    q.append("SELECT max(household_id), count(DISTINCT household_id) FROM persons")
    return q


def _outcome(gateway, county, policies, sql):
    try:
        r = gateway.run(sql, policies, token_key=county.KEY, limits=county.ATTACK_LIMITS)
    except GatewayRefused as exc:
        return ("refused", exc.code, exc.message)
    except GatewayError as exc:
        return ("error", exc.code, exc.message)
    return ("ok", r.columns, r.rows, r.truncated)


def _raw_outcome(con: duckdb.DuckDBPyConnection, sql: str):
    try:
        return ("ok", con.sql(sql).fetchall())
    except duckdb.Error as exc:
        return ("error", type(exc).__name__)


def _raw(policies) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for name, p in policies.items():
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{p.files[0]}')")
    return con


@pytest.fixture(scope="module")
def attacks(corpus, county) -> list[str]:
    queries = generated_attacks(county) + [sql for _, _, sql in corpus("noninterference.sql")]
    assert len(queries) >= 300
    return queries


@pytest.mark.slow
@pytest.mark.parametrize("other", ["b", "c"])
def test_hidden_characters_and_rows_change_nothing(gateway, county, warehouses, attacks, other):
    """Same (result, error-or-not) on a and on b (masked characters) / c (filtered rows)."""
    differ = []
    outcomes = []
    for sql in attacks:
        left = _outcome(gateway, county, warehouses["a"], sql)
        right = _outcome(gateway, county, warehouses[other], sql)
        outcomes.append(left)
        if left != right:
            differ.append((sql, left[:2], right[:2]))
    assert not differ, f"{len(differ)} queries tell a from {other}, e.g. {differ[:3]}"
    ok = sum(1 for o in outcomes if o[0] == "ok")
    assert ok >= 0.9 * len(attacks), "most attacks should run (an error everywhere proves little)"
    assert all(o[0] != "refused" for o in outcomes), [a for a, o in zip(attacks, outcomes) if o[0] == "refused"][:3]


@pytest.mark.parametrize("other", ["b", "c"])
def test_the_attacks_do_tell_the_clear_warehouses_apart(warehouses, attacks, other):
    """Without the gateway, the same queries separate the warehouses: the suite has teeth."""
    left, right = _raw(warehouses["a"]), _raw(warehouses[other])
    differ = sum(_raw_outcome(left, sql) != _raw_outcome(right, sql) for sql in attacks)
    assert differ >= 0.5 * len(attacks), f"only {differ} of {len(attacks)} attacks separate a from {other} in clear"


def _recover(exists_at_or_above, length: int = 18) -> str:
    """Rebuild a value character by character from a yes/no oracle "value >= prefix"."""
    found = "371122"
    while len(found) < length:
        hits = [c for c in "0123456789X" if exists_at_or_above(found + c)]
        if not hits:
            return found + "?" * (length - len(found))
        found += hits[-1]
    return found


def test_a_range_search_in_where_cannot_recover_a_masked_id(gateway, county, warehouses):
    """Masking the output only leaks through WHERE; masking at the source does not (issue #8)."""
    target = county.build_rows("a")[0][7]
    assert target["township"] != county.HIDDEN_TOWN and target["age"] < 150
    pick = f"income = {target['income']} AND township = '{target['township']}'"

    def through_gateway(prefix: str) -> bool:
        sql = f"SELECT count(*) FROM persons WHERE {pick} AND id_number >= '{prefix}'"
        return gateway.run(sql, warehouses["a"], token_key=county.KEY).rows == [(1,)]

    recovered = _recover(through_gateway)
    assert recovered[6:14] == "?" * 8 and recovered != target["id_number"]

    # The same search against a view that masks only what it outputs gets the whole number back.
    con = _raw(warehouses["a"])
    mask = "left(id_number, 6) || repeat('*', 8) || right(id_number, 4)"

    def output_masked(prefix: str) -> bool:
        sql = f"SELECT {mask} FROM persons WHERE {pick} AND id_number >= '{prefix}'"
        return len(con.sql(sql).fetchall()) == 1

    assert _recover(output_masked) == target["id_number"]
