"""The policy compiler: the attack corpus is refused before any engine sees it; rewrites are right."""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlglot

from zhongshu.warehouse.gateway import (
    RULES,
    GatewayError,
    GatewayRefused,
    Limits,
    TablePolicy,
    compile,
    to_dialect,
)
from zhongshu.warehouse.gateway.errors import REFUSAL_CODES

HERE = Path(__file__).parent
KEY = b"compiler-test-key-0123456789abcd"


def _literals(sql: str) -> list[str]:
    """String literals of a query that look like values (not short English words such as 'line')."""
    return [m for m in re.findall(r"'([^']{4,})'", sql) if not (m.isascii() and m.isalpha() and len(m) < 8)]


@pytest.fixture(scope="module")
def attack_blocks(corpus):
    blocks = corpus("attacks.sql")
    assert len(blocks) >= 300
    return blocks


def test_rules_are_in_order():
    assert [r.__name__ for r in RULES] == [
        "parse", "check_allowlist", "qualify", "apply_row_filters", "apply_masks", "cap_rows",
    ]
    for rule in RULES:  # each rule is a module exposing one function of the same name
        assert rule.__module__.rsplit(".", 1)[1] == rule.__name__


def test_every_attack_is_refused_before_any_engine(warehouses, attack_blocks, gateway):
    policies = warehouses["a"]
    jobs_before = sum(w.jobs for w in list(gateway._idle.queue))
    wrong = []
    for codes, what, sql in attack_blocks:
        assert codes and set(codes) <= set(REFUSAL_CODES), what
        try:
            gateway.run(sql, policies, token_key=KEY)
        except GatewayRefused as exc:
            if exc.code not in codes:
                wrong.append((what, exc.code, codes))
            leaked = [lit for lit in _literals(sql) if lit in str(exc) or lit in repr(exc.as_dict())]
            assert not leaked, f"{what}: the refusal repeats {leaked}"
        except GatewayError as exc:  # pragma: no cover - would mean it reached a worker
            wrong.append((what, f"ran: {exc.code}", codes))
        else:
            wrong.append((what, "accepted", codes))
    assert not wrong, wrong
    assert sum(w.jobs for w in list(gateway._idle.queue)) == jobs_before, "a refused query reached a worker"


@pytest.mark.parametrize(
    ("sql", "code"),
    [
        ("SELECT '\ud800' FROM persons", "parse_error"),  # a lone surrogate cannot even be stored in attacks.sql
        ("SELECT * FROM persons WHERE age IN (" + ", ".join(str(i) for i in range(30000)) + ")", "too_large"),
        ("SELECT 1 AS x" + " " * 100_001, "too_large"),
        ("SELECT " + "(" * 5000 + "1" + ")" * 5000, "too_large"),
        ("SELECT " + " + ".join(["age"] * 3000) + " FROM persons", "too_large"),
        ("", "parse_error"),
        ("   ;  ", "parse_error"),
        ("WITH c AS (SELECT 1), c AS (SELECT 2) SELECT * FROM c", "parse_error"),
    ],
    ids=["surrogate", "in-list", "long-text", "deep-parens", "long-sum", "empty", "only-semicolon", "duplicate-cte"],
)
def test_generated_refusals(warehouses, sql, code):
    with pytest.raises(GatewayRefused) as info:
        compile(sql, warehouses["a"], token_key=KEY, limits=Limits())
    assert info.value.code == code


def test_refusals_say_where_and_what_not_the_values(warehouses):
    with pytest.raises(GatewayRefused) as info:
        compile("SELECT name\nFROM persons JOIN read_csv('/etc/passwd') ON true", warehouses["a"],
                token_key=KEY, limits=Limits())
    err = info.value
    assert (err.code, err.position) == ("forbidden_function", (2, 19))
    assert "read_csv()" in err.message and "/etc/passwd" not in str(err)
    assert err.as_dict()["position"] == {"line": 2, "column": 19}
    with pytest.raises(GatewayRefused) as info:
        compile("SELECT * FROM \"371122199001011234\"", warehouses["a"], token_key=KEY, limits=Limits())
    assert info.value.code == "unknown_table" and "371122" not in str(info.value)
    with pytest.raises(GatewayRefused) as info:
        compile("SELECT * FROM persons WHERE name = '张三' AND (", warehouses["a"], token_key=KEY, limits=Limits())
    assert info.value.code == "parse_error" and "张三" not in str(info.value)


def _fixture_blocks():
    text = (HERE / "rewrites.sql").read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        lines = [line for line in block.strip().split("\n") if line]
        if "-- =>" not in lines:
            continue
        cut = lines.index("-- =>")
        yield pytest.param("\n".join(lines[1:cut]), lines[cut + 1], id=lines[0][3:50])


@pytest.fixture(scope="module")
def plain_table(tmp_path_factory):
    path = tmp_path_factory.mktemp("rewrite") / "t.parquet"
    pq.write_table(pa.table({"a": [1, 2, 3], "b": [0, 1, 2], "secret": ["x", "y", "z"]}), path)
    return {"t": TablePolicy("t", (str(path),), ("a", "b"), {}, "b > 0", "g-t")}


@pytest.mark.parametrize(("query", "expected"), list(_fixture_blocks()))
def test_rewrite_fixtures(plain_table, gateway, query, expected):
    compiled = compile(query, plain_table, token_key=KEY, limits=Limits(max_rows=100))
    assert compiled.sql == expected
    result = gateway.execute(compiled, token_key=KEY)  # and it runs: rows with b > 0 only
    assert result.row_count >= 1


def test_rewrite_results(plain_table, gateway):
    run = lambda sql: gateway.run(sql, plain_table, token_key=KEY).rows  # noqa: E731
    assert run("SELECT a FROM t ORDER BY a") == [(2,), (3,)]  # the row filter b > 0
    assert run("WITH t AS (SELECT a + 10 AS a FROM t) SELECT a FROM t ORDER BY a") == [(12,), (13,)]
    assert run("WITH c AS (SELECT b FROM t), d AS (SELECT b FROM c) SELECT b FROM d ORDER BY b") == [(1,), (2,)]
    assert run("SELECT * FROM t ORDER BY a") == [(2, 1), (3, 2)]  # `*` is the granted columns only
    assert run("SELECT t FROM t ORDER BY a") == [({"a": 2, "b": 1},), ({"a": 3, "b": 2},)]
    with pytest.raises(GatewayError) as info:
        run("SELECT secret FROM t")  # an ungranted column does not exist for the caller
    assert info.value.code == "query_failed" and "does not exist for you" in info.value.message


def test_compiled_carries_tables_columns_and_a_keyed_digest(warehouses):
    policies = warehouses["a"]
    c1 = compile("SELECT name, age AS years FROM persons -- who\nWHERE age > 3", policies, token_key=KEY, limits=Limits())
    c2 = compile("select  name,age as years from persons where age>3", policies, token_key=KEY, limits=Limits())
    c3 = compile("SELECT name, age AS years FROM persons WHERE age > 3", policies, token_key=b"x" * 32, limits=Limits())
    assert c1.tables == ("persons",) and c1.columns == ("name", "years")
    assert c1.digest == c2.digest != c3.digest  # normalised (keyword case, spaces, comments), keyed
    assert len(c1.digest) == 64
    star = compile("SELECT * FROM persons", policies, token_key=KEY, limits=Limits())
    assert star.columns == policies["persons"].columns
    joined = compile("SELECT * FROM persons p JOIN households h USING (household_id)", policies,
                     token_key=KEY, limits=Limits())
    assert joined.columns is None and joined.tables == ("persons", "households") and joined.uses_token
    assert not compile("SELECT 1 AS one", policies, token_key=KEY, limits=Limits()).tables
    with pytest.raises(ValueError, match="token_key"):
        compile("SELECT 1", policies, token_key=b"short", limits=Limits())


def test_to_dialect_spark_is_the_same_rewrite(warehouses):
    compiled = compile("SELECT name, address, count(*) AS n FROM persons WHERE id_number LIKE '3711%' GROUP BY ALL",
                       warehouses["a"], token_key=KEY, limits=Limits())
    spark = to_dialect(compiled, "spark")
    tree = sqlglot.parse_one(spark, read="spark")  # valid Spark SQL
    assert "`__zh_src`.`persons`" in spark and "REPEAT('*'" in spark and "REGEXP_EXTRACT" in spark
    assert "LIMIT 2147483647" in spark and "9223372036854775807" not in spark  # Spark's LIMIT is an int
    assert tree.find(sqlglot.exp.Where) is not None
    assert to_dialect(compiled, "duckdb") == compiled.tree.sql(dialect="duckdb", comments=False)
    assert sqlglot.parse_one(to_dialect(compiled, "duckdb"), read="duckdb").sql("duckdb") == compiled.sql


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"name": "Persons"}, "lower-case"),
        ({"files": ()}, "no version files"),
        ({"files": ("relative.parquet",)}, "absolute"),
        ({"columns": ()}, "grants no columns"),
        ({"columns": ("a", "A")}, "repeated"),
        ({"masks": {"secret": "name"}}, "does not grant"),
        ({"masks": {"name": "sha1"}}, "unknown mask kind"),
        ({"row_filter": "age > (SELECT 1)"}, "subqueries"),
        ({"row_filter": "p.age > 1"}, "without a table name"),
        ({"row_filter": "read_text('/etc/passwd') <> ''"}, "not allowed"),
        ({"row_filter": "age > 1; DROP VIEW x"}, "one predicate"),
        ({"row_filter": "SELECT 1"}, "one predicate"),
        ({"row_filter": "age >"}, "not a valid SQL predicate"),
        ({"row_filter": "count(*) > 1"}, "aggregates"),
    ],
)
def test_malformed_policies_are_refused(warehouses, change, fragment):
    base = warehouses["a"]["persons"]
    fields = {**base.__dict__, **change}
    policy = TablePolicy(**fields)
    with pytest.raises(GatewayRefused) as info:
        compile("SELECT 1 AS x FROM persons", {policy.name if "name" in change else "persons": policy},
                token_key=KEY, limits=Limits())
    assert info.value.code == "bad_policy" and fragment in info.value.message
    assert "grant-persons" in info.value.message


def test_tricky_but_harmless_queries_run_as_written(warehouses, gateway):
    run = lambda sql: gateway.run(sql, warehouses["a"], token_key=KEY).rows  # noqa: E731
    assert run("SELECT 'abc\\' AS s") == [("abc\\",)]  # no backslash escapes, in sqlglot as in DuckDB
    assert run("SELECT '; ATTACH ''x'' AS y; --' AS s") == [("; ATTACH 'x' AS y; --",)]
    assert run("SELECT count(*) AS n FROM persons\u3000p") == run("SELECT count(*) AS n FROM persons p")
    assert run('SELECT "name" FROM "persons" ORDER BY 1 LIMIT 1') == run("SELECT name FROM persons ORDER BY 1 LIMIT 1")
    assert run("FROM persons SELECT count(*)") == run("SELECT count(*) FROM persons")
