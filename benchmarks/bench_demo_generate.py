"""Benchmark the demo county generator against its budget (1,000,000 residents in 180 s, 2 cores).

    .venv/bin/python benchmarks/bench_demo_generate.py --residents 1000000

Prints total seconds, seconds and rows/s per stage (population, registry, building department
records, writing each file), peak RSS and the ratio to the 180 s target.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from zhongshu.demo.generator import generate

TARGET_SECONDS = 180.0


def main(argv: list[str] | None = None) -> int:
    """Run one generation and print the measurements; exit 1 if over budget."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="output dir (default: a temp dir)")
    args = parser.parse_args(argv)

    stages: list[tuple[str, float, int]] = []
    last = [time.perf_counter()]

    def progress(stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        stages.append((stage, now - last[0], total))
        last[0] = now

    with tempfile.TemporaryDirectory(prefix="zhongshu-bench-") as tmp:
        out = args.out or Path(tmp)
        start = time.perf_counter()
        summary = generate(out, residents=args.residents, seed=args.seed, progress=progress)
        total = time.perf_counter() - start
        sizes = {p.name: p.stat().st_size for p in summary.files.values()}

    print(f"residents: {args.residents:,}  seed: {args.seed}")
    print("stage timings:")
    for stage, seconds, rows in stages[1:]:
        rate = f"{rows / seconds:>12,.0f} rows/s" if seconds > 0 else ""
        print(f"  {stage:<26} {seconds:8.2f} s {rows:>12,} rows {rate}")
    print("rows per file:")
    for key, rows in summary.counts.items():
        print(f"  {key:<34} {rows:>10,}")
    for name, size in sizes.items():
        print(f"  {name:<34} {size / 1e6:>9.1f} MB")
    print(f"errors: {summary.errors}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"total: {total:.1f} s   peak RSS: {peak_mb:,.0f} MB")
    print(f"ratio to the {TARGET_SECONDS:.0f} s target: {total / TARGET_SECONDS:.2f}")
    return 0 if total <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
