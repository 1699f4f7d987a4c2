"""Profile a version's Parquet files: per-column statistics in DuckDB, label detection on a sample."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from zhongshu.ingest.casting import kind_of, quote_ident
from zhongshu.ingest.labels import DEFAULT_SENSITIVITY, DETECTORS, SENSITIVITY, Sensitivity
from zhongshu.warehouse.engine import DuckDBEngine, version_paths


@dataclass(frozen=True)
class LabelShare:
    """A detector and the share of sampled non-empty values it matched."""

    label: str
    share: float


@dataclass
class FieldProfile:
    """Statistics and label suggestions for one column.

    `min`/`max` are withheld (None) for columns labelled as personal data: they would be values.
    `distinct` is DuckDB's approx_count_distinct (HyperLogLog, a few percent off on large columns).
    """

    name: str
    type: str
    sql_type: str
    rows: int
    null_share: float
    distinct: int
    min: str | None
    max: str | None
    candidates: list[LabelShare] = field(default_factory=list)
    label: str | None = None
    sensitivity: Sensitivity = DEFAULT_SENSITIVITY
    sampled: int = 0


def _detect(values: list[str]) -> list[LabelShare]:
    out = []
    for label, detector in DETECTORS.items():
        hits = sum(1 for v in values if detector(v))
        if hits:
            out.append(LabelShare(label, hits / len(values)))
    return sorted(out, key=lambda c: -c.share)


def profile(
    parquet_files: Sequence[str | os.PathLike[str]],
    sample: int = 20_000,
    *,
    threshold: float = 0.8,
    engine: DuckDBEngine | None = None,
) -> list[FieldProfile]:
    """Profile every column: type, null share, distinct count, min/max, label candidates."""
    paths = version_paths(parquet_files)
    eng = engine or DuckDBEngine()
    try:
        eng.run(
            "CREATE OR REPLACE TEMP VIEW prof AS SELECT * FROM read_parquet(?)".replace(
                "?", _list_literal(paths)
            )
        )
        schema = eng.con.execute("DESCRIBE prof").fetchall()
        parts = ["count(*)"]
        for name, *_ in schema:
            c = quote_ident(name)
            parts += [
                f"count({c})",
                f"approx_count_distinct({c})",
                f"CAST(min({c}) AS VARCHAR)",
                f"CAST(max({c}) AS VARCHAR)",
            ]
        stats = eng.con.execute(f"SELECT {', '.join(parts)} FROM prof").fetchall()[0]
        rows = stats[0]
        text_cols = [n for n, t, *_ in schema if kind_of(t) in ("string", "integer")]
        samples: dict[str, list[str]] = {n: [] for n in text_cols}
        if text_cols and rows:
            cols = ", ".join(f"CAST({quote_ident(n)} AS VARCHAR)" for n in text_cols)
            cur = eng.con.execute(
                f"SELECT {cols} FROM prof USING SAMPLE reservoir({int(sample)} ROWS) REPEATABLE (42)"
            )
            while batch := cur.fetchmany(5000):
                for row in batch:
                    for n, v in zip(text_cols, row, strict=True):
                        if v is not None and v.strip():
                            samples[n].append(v)
        out = []
        for i, (name, sql_type, *_) in enumerate(schema):
            nn, distinct, lo, hi = stats[1 + 4 * i : 5 + 4 * i]
            values = samples.get(name, [])
            candidates = _detect(values) if values else []
            best = candidates[0] if candidates and candidates[0].share >= threshold else None
            label = best.label if best else None
            sens = SENSITIVITY.get(label, DEFAULT_SENSITIVITY) if label else DEFAULT_SENSITIVITY
            hide = sens.personal
            out.append(
                FieldProfile(
                    name=name,
                    type=kind_of(sql_type),
                    sql_type=sql_type,
                    rows=rows,
                    null_share=(rows - nn) / rows if rows else 0.0,
                    distinct=int(distinct or 0),
                    min=None if hide else lo,
                    max=None if hide else hi,
                    candidates=candidates,
                    label=label,
                    sensitivity=sens,
                    sampled=len(values),
                )
            )
        return out
    finally:
        if engine is None:
            eng.close()


def _list_literal(paths: list[str]) -> str:
    return "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"
