"""SQL gateway benchmark: compile time, end-to-end cost against raw DuckDB, and a bomb among 20 analysts.

    .venv/bin/python benchmarks/bench_gateway.py [--rows 1000000] [--workers N] [--repeat 31] [--keep DIR]

Builds a county-like dataset in a temp dir (persons: --rows rows; households: a third of that) and,
in one process, prints:

  compile      parse + checks + policy rewrite of each query, median and p95 (target ≤ 5 ms median);
  end-to-end   Gateway.run (compile, a warm pooled worker, the result back as rows) against raw
               DuckDB running the same query on the same files in this process, with the same
               threads and memory limit — as a ratio per query (target ≤ 1.2×): with a policy that
               grants the columns clear (the same query and data), and, for information, with masks
               on four columns and a row filter (which do more work than the raw query);
  concurrency  20 analysts at once, one of whom sends a memory bomb: the others' results and times,
               the bomb's outcome, against the same 19 queries without the bomb.

Process start is excluded (the pool is warm, as in the hub). Timings are medians of interleaved
runs, so drift on a shared machine hits both sides alike. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from zhongshu.warehouse.gateway import Gateway, GatewayError, Limits, TablePolicy, compile  # noqa: E402

KEY = b"benchmark-token-key-0123456789ab"
TOWNS = ["城阳街道", "店子集街道", "陵阳街道", "招贤镇", "阎庄街道", "夏庄镇", "刘官庄镇", "峤山镇", "小店镇", "龙山镇",
         "东莞镇", "浮来山街道", "碁山镇", "洛河镇", "寨里河镇", "桑园镇", "果庄镇", "库山乡", "中楼镇", "安庄镇"]
COLUMNS = ("id_number", "name", "phone", "township", "address", "age", "income", "household_id")
QUERIES = {
    "group by": "SELECT township, count(*) AS n, avg(income) AS avg_income, max(age) AS oldest "
                "FROM persons GROUP BY township ORDER BY township",
    "filter": "SELECT count(*) AS n, sum(income) AS total FROM persons WHERE age BETWEEN 30 AND 40 AND township = '招贤镇'",
    "join": "SELECT h.size, count(*) AS n, avg(p.income) AS avg_income FROM persons p "
            "JOIN households h ON p.household_id = h.household_id WHERE h.subsidy = 1 GROUP BY h.size ORDER BY h.size",
    "distinct": "SELECT township, count(DISTINCT household_id) AS households FROM persons GROUP BY township ORDER BY 1",
    "median": "SELECT township, quantile_cont(income, 0.5) AS median_income FROM persons GROUP BY township ORDER BY 1",
    "top 100": "SELECT township, age, income FROM persons WHERE income > 5000 ORDER BY income DESC, age LIMIT 100",
    "window": "SELECT township, n, rank() OVER (ORDER BY n DESC) AS r FROM "
              "(SELECT township, count(*) AS n FROM persons WHERE age >= 60 GROUP BY township) ORDER BY r, township",
}
BOMB = "SELECT length(list(a.address || b.address)::VARCHAR) FROM persons a, (SELECT * FROM persons LIMIT 1000) b"
TARGETS = {"compile_median_ms": 5.0, "end_to_end_ratio": 1.2}


def build(folder: Path, rows: int) -> dict[str, str]:
    """A persons table and a households table as Parquet, random but fixed (seed 7)."""
    rng = np.random.default_rng(7)
    birth = rng.integers(1930, 2020, rows)
    town = np.array(TOWNS)[rng.integers(0, len(TOWNS), rows)]
    digits = lambda n, k: np.char.zfill(rng.integers(0, 10**k, n).astype(str), k)  # noqa: E731
    persons = pa.table({
        "id_number": np.char.add(np.char.add("371122", birth.astype(str)), digits(rows, 8)).tolist(),
        "name": np.char.add("张", digits(rows, 2)).tolist(),
        "phone": np.char.add("138", digits(rows, 8)).tolist(),
        "township": town.tolist(),
        "address": np.char.add(np.char.add("山东省日照市莒县", town), "前李家庄村3组12号").tolist(),
        "age": 2026 - birth,
        "income": rng.normal(3000, 800, rows).round(2),
        "household_id": rng.integers(0, max(rows // 3, 1), rows),
    })
    n = max(rows // 3, 1)
    households = pa.table({"household_id": np.arange(n), "size": rng.integers(1, 7, n), "subsidy": rng.integers(0, 2, n)})
    files = {"persons": str(folder / "persons.parquet"), "households": str(folder / "households.parquet")}
    pq.write_table(persons, files["persons"], row_group_size=122_880)
    pq.write_table(households, files["households"], row_group_size=122_880)
    return files


def policies(files: dict[str, str], *, masked: bool) -> dict[str, TablePolicy]:
    masks = {"id_number": "id_number", "name": "name", "phone": "phone", "address": "address"} if masked else {}
    return {
        "persons": TablePolicy("persons", (files["persons"],), COLUMNS, masks,
                               "township <> '库山乡'" if masked else None, "bench-persons"),
        "households": TablePolicy("households", (files["households"],), ("household_id", "size", "subsidy"), {}, None,
                                  "bench-households"),
    }


def timed(call) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1e3


def line(name: str, value: float, target: float | None, unit: str) -> bool:
    ok = target is None or value <= target
    mark = "" if target is None else f"  target ≤ {target:g}{unit}  {'PASS' if ok else 'FAIL'}"
    print(f"  {name:<34} {value:8.2f}{unit}{mark}")
    return ok


def bench_compile(pol: dict[str, TablePolicy], limits: Limits, n: int = 300) -> bool:
    print("compile (parse + checks + policy rewrite; masks and a row filter on persons)")
    cold = timed(lambda: compile(QUERIES["group by"], pol, token_key=KEY, limits=limits))
    samples = []
    for _ in range(n):
        for sql in QUERIES.values():
            samples.append(timed(lambda sql=sql: compile(sql, pol, token_key=KEY, limits=limits)))
    samples.sort()
    line("first compile (policy not cached)", cold, None, " ms")
    ok = line("median", statistics.median(samples), TARGETS["compile_median_ms"], " ms")
    line("p95", samples[int(0.95 * len(samples))], None, " ms")
    return ok


def bench_end_to_end(g: Gateway, files: dict[str, str], limits: Limits, repeat: int) -> bool:
    raw = duckdb.connect(config={"threads": str(limits.threads), "memory_limit": f"{limits.memory_mb}MB"})
    for name, path in files.items():
        raw.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}')")
    clear, masked = policies(files, masked=False), policies(files, masked=True)
    print(f"end-to-end, median of {repeat} interleaved runs (raw DuckDB in this process = 1.0)")
    print(f"  {'query':<12} {'raw ms':>8} {'gateway ms':>11} {'ratio':>6}   {'masked ms':>10} {'ratio':>6}")
    ratios = []
    for name, sql in QUERIES.items():
        assert sorted(raw.sql(sql).fetchall()) == sorted(g.run(sql, clear, token_key=KEY, limits=limits).rows)
        g.run(sql, masked, token_key=KEY, limits=limits)  # warm both policies' databases in the worker
        r, c, m = [], [], []
        for _ in range(repeat):
            r.append(timed(lambda sql=sql: raw.sql(sql).to_arrow_table()))
            c.append(timed(lambda sql=sql: g.run(sql, clear, token_key=KEY, limits=limits)))
            m.append(timed(lambda sql=sql: g.run(sql, masked, token_key=KEY, limits=limits)))
        base, gw, gm = statistics.median(r), statistics.median(c), statistics.median(m)
        ratios.append(gw / base)
        print(f"  {name:<12} {base:8.1f} {gw:11.1f} {gw / base:5.2f}×   {gm:10.1f} {gm / base:5.2f}×")
    raw.close()
    worst = max(ratios)
    line("median ratio over the queries", statistics.median(ratios), None, "×")
    return line("worst ratio (clear policy)", worst, TARGETS["end_to_end_ratio"], "×")


def bench_concurrency(g: Gateway, files: dict[str, str], limits: Limits) -> bool:
    pol = policies(files, masked=True)
    normal = list(QUERIES.values()) * 3
    normal = normal[:19]
    bomb_limits = Limits(max_rows=limits.max_rows, timeout_s=30, memory_mb=512, threads=limits.threads)

    def one(sql: str, lim: Limits) -> tuple[str, float]:
        start = time.perf_counter()
        try:
            g.run(sql, pol, token_key=KEY, limits=lim)
            return "ok", (time.perf_counter() - start) * 1e3
        except GatewayError as exc:
            return exc.code, (time.perf_counter() - start) * 1e3

    def wave(with_bomb: bool) -> tuple[list[tuple[str, float]], tuple[str, float] | None, float]:
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=20) as ex:
            bomb = ex.submit(one, BOMB, bomb_limits) if with_bomb else None
            futures = [ex.submit(one, sql, limits) for sql in normal]
            results = [f.result() for f in futures]
            fired = bomb.result() if bomb else None
        return results, fired, (time.perf_counter() - start) * 1e3

    print(f"concurrency: 20 analysts at once on {g.size} workers, one sends a memory bomb")
    base, _, base_wall = wave(False)
    results, fired, wall = wave(True)
    finished = sum(1 for code, _ in results if code == "ok")
    print(f"  without the bomb: 19/19 finished in {base_wall:.0f} ms (slowest {max(t for _, t in base):.0f} ms)")
    print(f"  with the bomb:    {finished}/19 finished in {wall:.0f} ms (slowest {max(t for _, t in results):.0f} ms), "
          f"ratio {wall / base_wall:.2f}×")
    assert fired is not None
    print(f"  the bomb: {fired[0]} after {fired[1]:.0f} ms (memory limit {bomb_limits.memory_mb} MB); "
          f"workers replaced so far: {g.restarts}")
    ok = finished == 19 and fired[0] in ("memory_limit", "timeout")
    print(f"  the others finish and the bomb is stopped: {'PASS' if ok else 'FAIL'}")
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--repeat", type=int, default=31)
    ap.add_argument("--keep", type=Path, help="write the dataset here and keep it")
    args = ap.parse_args()
    limits = Limits(max_rows=10_000, timeout_s=60, memory_mb=1024, threads=1)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        files = build(folder, args.rows)
        print(f"dataset: {args.rows:,} persons, {args.rows // 3:,} households in {time.perf_counter() - start:.1f} s; "
              f"DuckDB {duckdb.__version__}, {os.cpu_count()} cores, {args.workers} workers, {limits.threads} thread(s) "
              "per query on both sides")
        ok = bench_compile(policies(files, masked=True), limits)
        with Gateway(args.workers) as g:
            g.run("SELECT 1 AS warm", {}, token_key=KEY)
            ok &= bench_end_to_end(g, files, limits, args.repeat)
            ok &= bench_concurrency(g, files, limits)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
