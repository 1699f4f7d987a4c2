"""The sandbox pool: limits, lockdown, bombs beside normal queries, dead workers, clean errors."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from zhongshu.warehouse.gateway import Gateway, GatewayError, Limits, TablePolicy, compile, get_gateway
from zhongshu.warehouse.gateway import pool as pool_module
from zhongshu.warehouse.gateway.pool import GRACE_S, _Worker

KEY = b"sandbox-test-key-0123456789abcde"
SLACK_S = 5.0  # scheduling slack on a busy test machine; the limits themselves are what is checked
NORMAL = [
    ("SELECT township, count(*) AS n FROM persons GROUP BY township ORDER BY township", None),
    ("SELECT count(*) FROM persons p JOIN households h ON p.household_id = h.household_id", None),
    ("SELECT name, phone FROM persons ORDER BY income DESC LIMIT 3", None),
    ("SELECT round(avg(income), 2), max(age) FROM persons WHERE age < 60", None),
    ("SELECT left(id_number, 10) AS p, count(*) FROM persons GROUP BY p ORDER BY 2 DESC, 1 LIMIT 5", None),
]


def _job(compiled, *, sql: str | None = None, limits: Limits | None = None) -> dict:
    limits = limits or Limits()
    return {
        "sql": sql or compiled.sql,
        "sources": [{"name": s.name, "files": list(s.files), "probe": s.probe, "grant_id": s.grant_id}
                    for s in compiled.sources],
        "token_key": KEY if compiled.uses_token else None,
        "limits": {"memory_mb": limits.memory_mb, "threads": limits.threads, "timeout_s": limits.timeout_s,
                   "max_result_mb": limits.max_result_mb},
        "max_rows": limits.max_rows,
    }


def test_results_are_json_safe_and_capped(gateway, warehouses):
    policies = warehouses["a"]
    r = gateway.run("SELECT * FROM persons ORDER BY household_id, income", policies, token_key=KEY,
                    limits=Limits(max_rows=7))
    assert r.row_count == 7 and r.truncated and r.columns == policies["persons"].columns
    json.dumps(r.rows, allow_nan=False)
    first = dict(zip(r.columns, r.rows[0]))
    assert first["id_number"][6:14] == "********" and first["birth_date"].isdigit() and first["note"] in ("", "****")
    assert len(r.digest) == 64 and r.elapsed_ms > 0
    small = gateway.run("SELECT name FROM persons LIMIT 3", policies, token_key=KEY, limits=Limits(max_rows=7))
    assert small.row_count == 3 and not small.truncated
    odd = gateway.run("SELECT DATE '2026-01-02' AS d, 1.5::DECIMAL(4,2) AS m, 'NaN'::DOUBLE AS n, INTERVAL 1 DAY AS i, "
                      "[1, 2] AS l, {'k': 'v'} AS s", {}, token_key=KEY)
    assert odd.rows == [("2026-01-02", "1.50", "NaN", "P0M1DT0S", [1, 2], {"k": "v"})]
    json.dumps(odd.rows, allow_nan=False)
    table = gateway.run_arrow("SELECT name, age FROM persons", policies, token_key=KEY, limits=Limits(max_rows=5))
    assert isinstance(table, pa.Table) and table.num_rows == 5
    assert table.schema.metadata[b"zhongshu.truncated"] == b"true"


def test_lockdown_is_a_second_wall(warehouses, tmp_path):
    """Even SQL the compiler would never write cannot reach other files or settings in a worker."""
    policies = warehouses["a"]
    compiled = compile("SELECT count(*) FROM persons", policies, token_key=KEY, limits=Limits())
    other = tmp_path / "other.parquet"
    pq.write_table(pa.table({"secret": ["s"]}), other)
    allowed = policies["persons"].files[0]
    before = (os.path.getsize(allowed), os.path.getmtime(allowed))
    forged = {
        f"SELECT * FROM read_parquet('{other}')": "query_failed",
        "SELECT * FROM read_csv('/etc/passwd')": "query_failed",
        "SELECT * FROM '/etc/passwd'": "query_failed",
        f"COPY (SELECT 1 AS x) TO '{allowed}' (FORMAT parquet)": "query_failed",
        f"COPY (SELECT 1 AS x) TO '{tmp_path}/out.csv'": "query_failed",
        "SET enable_external_access = true": "query_failed",
        "SET lock_configuration = false": "query_failed",
        "SET threads = 8": "query_failed",
        "INSTALL httpfs": "query_failed",
        "LOAD httpfs": "query_failed",
        f"ATTACH '{tmp_path}/x.duckdb' AS x": "query_failed",
        "SELECT * FROM glob('/*')": "query_failed",
    }
    worker = _Worker()
    try:
        for sql, code in forged.items():
            answer = worker.ask(_job(compiled, sql=sql), 30)
            assert (answer["status"], answer["code"]) == ("error", code), sql
        # What lockdown alone does not stop (so the compiler must): the raw view through query_table(),
        # the catalog, a big repeat().
        for sql in ('SELECT count(*) FROM query_table(\'"__zh_src"."persons"\')',
                    "SELECT count(*) FROM duckdb_settings()", "SELECT length(repeat('x', 100000000))"):
            assert worker.ask(_job(compiled, sql=sql), 30)["status"] == "ok", sql
    finally:
        worker.stop(kill=True)
    assert (os.path.getsize(allowed), os.path.getmtime(allowed)) == before
    assert not (tmp_path / "out.csv").exists() and not (tmp_path / "x.duckdb").exists()


def test_grants_that_do_not_match_their_data_are_policy_errors(gateway, warehouses, tmp_path):
    base = warehouses["a"]["persons"]
    cases = {
        "missing column": TablePolicy("persons", base.files, (*base.columns, "no_such"), {}, None, "g-cols"),
        "filter on a missing column": TablePolicy("persons", base.files, base.columns, {}, "nope > 1", "g-filter"),
        "missing file": TablePolicy("persons", (str(tmp_path / "gone.parquet"),), base.columns, {}, None, "g-file"),
    }
    for what, policy in cases.items():
        with pytest.raises(GatewayError) as info:
            gateway.run("SELECT count(*) FROM persons", {"persons": policy}, token_key=KEY)
        assert info.value.code == "policy_error", what
        if what != "missing file":
            assert policy.grant_id in info.value.message
    assert gateway.run("SELECT count(*) FROM persons", warehouses["a"], token_key=KEY).row_count == 1


def test_a_long_query_is_stopped_at_its_time_limit(gateway, warehouses):
    start = time.monotonic()
    with pytest.raises(GatewayError) as info:
        gateway.run("SELECT count(*) FROM persons a, persons b, persons c, persons d", warehouses["a"],
                    token_key=KEY, limits=Limits(timeout_s=1))
    assert info.value.code == "timeout" and "1 s" in info.value.message
    assert time.monotonic() - start < 1 + GRACE_S + SLACK_S
    assert gateway.run("SELECT 1 AS x", {}, token_key=KEY).rows == [(1,)]


def test_a_worker_past_its_deadline_is_killed_and_replaced(gateway, warehouses, monkeypatch):
    """The parent's SIGKILL: here it comes before DuckDB's own limit (a negative grace), as it does for
    one expression DuckDB does not interrupt in time."""
    monkeypatch.setattr(pool_module, "GRACE_S", -1.0)
    restarts = gateway.restarts
    start = time.monotonic()
    with pytest.raises(GatewayError) as info:
        gateway.run("SELECT count(*) FROM persons a, persons b, persons c, persons d", warehouses["a"],
                    token_key=KEY, limits=Limits(timeout_s=2))
    assert (info.value.code, info.value.error_type) == ("timeout", "killed")
    assert time.monotonic() - start < 1 + SLACK_S
    assert gateway.restarts == restarts + 1
    monkeypatch.undo()
    assert gateway.run("SELECT count(*) AS n FROM persons", warehouses["a"], token_key=KEY).row_count == 1


def test_one_long_expression_is_stopped_too(gateway, warehouses):
    start = time.monotonic()
    with pytest.raises(GatewayError) as info:  # DuckDB checks its limit only now and then inside this one
        gateway.run("SELECT levenshtein(string_agg(a.address, ''), string_agg(b.address, '')) FROM persons a, persons b",
                    warehouses["a"], token_key=KEY, limits=Limits(timeout_s=1))
    assert info.value.code == "timeout"
    assert time.monotonic() - start < 1 + GRACE_S + SLACK_S


@pytest.mark.slow
def test_bombs_are_stopped_while_normal_queries_finish(warehouses, corpus):
    policies = warehouses["a"]
    bombs = corpus("bombs.sql")
    assert len(bombs) >= 20
    bomb_limits = Limits(timeout_s=1.5, memory_mb=256)
    with Gateway(3) as g:
        expected = [g.run(sql, policies, token_key=KEY).rows for sql, _ in NORMAL]
        for i in range(0, len(bombs), 2):
            pair = bombs[i : i + 2]
            with ThreadPoolExecutor(max_workers=7) as ex:
                fired = [(codes, what, ex.submit(_timed, g, sql, policies, bomb_limits)) for codes, what, sql in pair]
                normal = [ex.submit(g.run, sql, policies, token_key=KEY) for sql, _ in NORMAL]
                for got, want in zip(normal, expected):
                    assert got.result().rows == want
                for codes, what, future in fired:
                    code, seconds = future.result()
                    assert code in codes, (what, code)
                    assert seconds < bomb_limits.timeout_s + GRACE_S + SLACK_S, (what, seconds)
        assert [g.run(sql, policies, token_key=KEY).rows for sql, _ in NORMAL] == expected


def _timed(g: Gateway, sql: str, policies, limits: Limits) -> tuple[str, float]:
    start = time.monotonic()
    try:
        g.run(sql, policies, token_key=KEY, limits=limits)
    except GatewayError as exc:
        return exc.code, time.monotonic() - start
    return "finished", time.monotonic() - start


def test_a_worker_that_died_while_idle_is_replaced(warehouses):
    with Gateway(1) as g:
        assert g.run("SELECT 1 AS x", {}, token_key=KEY).rows == [(1,)]
        (worker,) = list(g._idle.queue)
        os.kill(worker.proc.pid, signal.SIGKILL)
        worker.proc.wait()
        assert g.run("SELECT count(*) FROM persons", warehouses["a"], token_key=KEY).row_count == 1
        assert g.restarts == 1


def test_busy_when_no_worker_frees_up_in_time(warehouses):
    with Gateway(1) as g:
        g.run("SELECT 1 AS x", {}, token_key=KEY)
        slow = threading.Thread(target=_timed, args=(g, "SELECT count(*) FROM persons a, persons b, persons c, persons d",
                                                     warehouses["a"], Limits(timeout_s=2)))
        slow.start()
        time.sleep(0.3)  # let the slow query take the only worker
        with pytest.raises(GatewayError) as info:
            g.run("SELECT 1 AS x", {}, token_key=KEY, limits=Limits(queue_s=0.2))
        assert info.value.code == "busy"
        slow.join()
        assert g.run("SELECT 1 AS x", {}, token_key=KEY).rows == [(1,)]
    with pytest.raises(GatewayError) as info:
        g.run("SELECT 1 AS x", {}, token_key=KEY)
    assert info.value.code == "busy" and "shut down" in info.value.message
    assert all(w.proc.poll() is not None for w in list(g._idle.queue)) or not list(g._idle.queue)


def test_results_over_the_size_limit_are_refused(gateway, warehouses):
    with pytest.raises(GatewayError) as info:
        gateway.run("SELECT a.address || repeat('x', 1000) AS big FROM persons a, persons b", warehouses["a"],
                    token_key=KEY, limits=Limits(max_rows=5000, max_result_mb=1))
    assert info.value.code == "result_too_large"


def test_engine_errors_never_reach_the_caller(gateway, warehouses):
    with pytest.raises(GatewayError) as info:
        gateway.run("SELECT CAST('371122199001011234x' AS INTEGER) AS n", {}, token_key=KEY)
    err = info.value
    assert err.code == "query_failed" and err.error_type == "ConversionException"
    assert "371122" not in str(err) and "371122" not in json.dumps(err.as_dict())
    with pytest.raises(GatewayError) as info:
        gateway.run("SELECT * FROM persons WHERE name = 1 + '张三丰'", warehouses["a"], token_key=KEY)
    assert "张三丰" not in str(info.value)


def test_get_gateway_is_one_pool_sized_by_the_setting(monkeypatch):
    monkeypatch.setenv("ZHONGSHU_GATEWAY_WORKERS", "1")
    monkeypatch.setattr(pool_module, "_GATEWAY", None)
    g = get_gateway()
    try:
        assert g.size == 1 and get_gateway() is g
        assert g.run("SELECT 41 + 1 AS x", {}, token_key=KEY).rows == [(42,)]
    finally:
        g.close()
