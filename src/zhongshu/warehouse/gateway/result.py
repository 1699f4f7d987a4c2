"""A query's result as the caller gets it: column names and JSON-safe rows.

Values convert so that `json.dumps(rows, allow_nan=False)` works: dates and times as ISO 8601
text, intervals as ISO 8601 durations, decimals as text (exact), bytes as hex, NaN and infinities as "NaN"/"Infinity"/"-Infinity",
lists and structs recursively. Exports take the Arrow table instead (`Gateway.run_arrow`).
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import uuid
from dataclasses import dataclass
from typing import Any

import pyarrow as pa


@dataclass(frozen=True)
class Result:
    """Rows of one gateway query."""

    columns: tuple[str, ...]
    rows: list[tuple]
    row_count: int
    truncated: bool  # more rows existed than Limits.max_rows
    elapsed_ms: float  # compile + queue + run + transfer, as the caller waited
    digest: str  # keyed digest of the normalised query (Compiled.digest), for the audit log


def json_safe(value: Any) -> Any:
    """One value as JSON can carry it.

    >>> json_safe(decimal.Decimal("1.50")), json_safe(float("nan")), json_safe(dt.date(2026, 1, 2))
    ('1.50', 'NaN', '2026-01-02')
    >>> json_safe({"a": [b"\\x01", None]})
    {'a': ['01', None]}
    """
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return value
    if isinstance(value, (dt.date, dt.time)):  # datetime is a date
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, pa.MonthDayNano):  # DuckDB INTERVAL: ISO 8601 duration
        seconds = value.nanoseconds / 1e9
        return f"P{value.months}M{value.days}DT{seconds:g}S"
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return str(value)


def rows_of(table: pa.Table) -> list[tuple]:
    """The table's rows as tuples of JSON-safe values (duplicate column names are kept apart)."""
    columns = [[json_safe(v) for v in col.to_pylist()] for col in table.columns]
    return list(zip(*columns)) if columns else []
