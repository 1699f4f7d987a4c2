"""Ingest benchmark: plain DuckDB read_csv → Parquet versus zhongshu's load_file (+ profile).

Generates a household-registry-like CSV (or takes --file), then in one process times:
  baseline   DuckDB `COPY (SELECT * FROM read_csv(...)) TO parquet` with its own sniffer
  load_file  hash, decode, parse, infer, validate with rejects, write Parquet
  profile    per-column statistics and label detection
and prints rows/s, the ratio load_file/baseline (target ≥ 0.5) and peak RSS per phase.

    python benchmarks/bench_ingest.py --rows 1000000 [--gbk] [--file path.csv] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红建国建华志强文斌海燕淑珍凤兰"
_TOWNS = [
    "城阳街道",
    "店子集街道",
    "陵阳街道",
    "招贤镇",
    "阎庄街道",
    "夏庄镇",
    "刘官庄镇",
    "峤山镇",
    "小店镇",
    "龙山镇",
    "东莞镇",
    "浮来山街道",
    "碁山镇",
    "洛河镇",
    "寨里河镇",
    "桑园镇",
    "果庄镇",
    "库山乡",
    "中楼镇",
    "安庄镇",
]


def resident_id(rng: random.Random) -> str:
    """A random but valid GB 11643 ID number from 莒县."""
    birth = f"{rng.randint(1930, 2020)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    body = f"371122{birth}{rng.randint(0, 999):03d}"
    return body + _CHECK[sum(int(c) * w for c, w in zip(body, _W, strict=True)) % 11]


def generate(path: Path, rows: int, *, gbk: bool, seed: int = 7, bad_every: int = 0) -> None:
    """Write a registry-like CSV; every `bad_every`-th row gets a bad date (0 = none)."""
    rng = random.Random(seed)
    with open(path, "w", encoding="gb18030" if gbk else "utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(
            [
                "户号",
                "身份证号",
                "姓名",
                "性别",
                "出生日期",
                "民族",
                "联系电话",
                "住址",
                "与户主关系",
                "登记时间",
                "人口数",
            ]
        )
        batch = []
        for i in range(rows):
            pid = resident_id(rng)
            name = rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.randint(1, 2)))
            birth = f"{pid[6:10]}-{pid[10:12]}-{pid[12:14]}"
            if bad_every and i % bad_every == bad_every - 1:
                birth = "不详"
            town = rng.choice(_TOWNS)
            batch.append(
                [
                    f"0{371122000000 + i // 3:012d}",
                    pid,
                    name,
                    "男" if int(pid[16]) % 2 else "女",
                    birth,
                    "汉族",
                    f"1{rng.choice('3456789')}{rng.randint(0, 999999999):09d}",
                    f"山东省日照市莒县{town}{rng.randint(1, 300)}村{rng.randint(1, 99)}号",
                    rng.choice(["户主", "配偶", "子", "女", "父亲", "母亲"]),
                    f"2019-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00",
                    rng.randint(1, 8),
                ]
            )
            if len(batch) >= 50_000:
                w.writerows(batch)
                batch.clear()
        w.writerows(batch)


class RssSampler:
    """Samples this process's resident set size to find each phase's peak."""

    def __init__(self, interval: float = 0.02) -> None:
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def rss() -> int:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        return 0

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.rss())
            time.sleep(self.interval)

    def __enter__(self) -> RssSampler:
        self.peak = self.rss()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.rss())


def main() -> None:
    """Run the benchmark and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--file", help="benchmark this CSV instead of a generated one")
    ap.add_argument("--gbk", action="store_true", help="generate the file in GB18030 (GBK) encoding")
    ap.add_argument("--bad-every", type=int, default=10_000, help="every Nth row gets a bad date (0 = none)")
    ap.add_argument("--keep", help="keep generated files in this folder")
    ap.add_argument("--no-profile", action="store_true")
    args = ap.parse_args()

    import duckdb

    from zhongshu.ingest.load import load_file

    work = Path(args.keep or tempfile.mkdtemp(prefix="bench-ingest-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        if args.file:
            src = Path(args.file)
            utf8_src = src
        else:
            src = work / ("registry-gbk.csv" if args.gbk else "registry.csv")
            t = time.perf_counter()
            generate(src, args.rows, gbk=args.gbk, bad_every=args.bad_every)
            print(
                f"generated {args.rows:,} rows, {src.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - t:.1f} s"
            )
            utf8_src = src
            if args.gbk:  # DuckDB cannot read GBK offline: the baseline reads the same data in UTF-8
                utf8_src = work / "registry.csv"
                generate(utf8_src, args.rows, gbk=False, bad_every=args.bad_every)

        base_out = work / "baseline.parquet"
        with RssSampler() as rss_base:
            t = time.perf_counter()
            con = duckdb.connect()
            con.execute(
                f"COPY (SELECT * FROM read_csv('{utf8_src}')) TO '{base_out}' (FORMAT parquet, COMPRESSION zstd)"
            )
            base_rows = con.execute(f"SELECT count(*) FROM read_parquet('{base_out}')").fetchone()[0]
            con.close()
            base_s = time.perf_counter() - t
        print(
            f"baseline  read_csv→parquet: {base_rows:,} rows in {base_s:.2f} s = {base_rows / base_s:,.0f} rows/s, peak RSS {rss_base.peak / 2**20:.0f} MiB"
        )

        out = work / "load"
        shutil.rmtree(out, ignore_errors=True)
        with RssSampler() as rss_load:
            t = time.perf_counter()
            result = load_file(src, out)
            load_s = time.perf_counter() - t
        total = result.total_rows
        print(
            f"load_file (validate): {result.rows:,} rows loaded, {result.reject_count:,} rejected, in {load_s:.2f} s "
            f"= {total / load_s:,.0f} rows/s, peak RSS {rss_load.peak / 2**20:.0f} MiB, encoding {result.encoding}"
        )
        print("  fields: " + ", ".join(f"{f.name}:{f.type}" for f in result.fields))
        print(f"ratio load_file/baseline: {base_s / load_s:.2f} (target ≥ 0.5)")
        if not args.no_profile:
            from zhongshu.ingest.profile import profile

            with RssSampler() as rss_prof:
                t = time.perf_counter()
                profiles = profile([f.path for f in result.files])
                prof_s = time.perf_counter() - t
            print(
                f"profile: {len(profiles)} columns in {prof_s:.2f} s, peak RSS {rss_prof.peak / 2**20:.0f} MiB"
            )
            print("  labels: " + ", ".join(f"{p.name}→{p.label}" for p in profiles if p.label))
            print(f"ratio (load_file+profile)/baseline: {base_s / (load_s + prof_s):.2f}")
        print(
            f"process peak RSS (ru_maxrss): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
        )
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
