"""SQL (DuckDB dialect) that types text columns: cast expressions, validity checks, inference.

Every expression here is built from a quoted column reference and never from cell values, and
all of it runs inside DuckDB in bulk: Python never sees the rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Local date spellings that DuckDB's cast does not take ("2024年3月5日", "2024.03.05").
_DATE_FORMATS = "['%Y年%m月%d日', '%Y.%m.%d', '%Y年%m月%d号']"
_DATE_FORMATS_DECLARED = "['%Y年%m月%d日', '%Y.%m.%d', '%Y年%m月%d号', '%Y%m%d']"
_TS_FORMATS = "['%Y/%m/%d %H:%M:%S', '%Y/%m/%d %H:%M', '%Y年%m月%d日 %H:%M:%S', '%Y年%m月%d日 %H时%M分%S秒', '%Y-%m-%d %H:%M']"
_TRUE = "('true', 't', 'yes', 'y', '1', '是', '对', '真')"
_FALSE = "('false', 'f', 'no', 'n', '0', '否', '错', '假')"
_BOOL_INFER = "('true', 'false', 'TRUE', 'FALSE', 'True', 'False', '是', '否', 'yes', 'no')"

# Column names that hold codes: keep them as text even when every value is digits.
_CODE_NAME = re.compile(
    r"身份证|证件|号码|电话|手机|联系方式|编码|代码|卡号|账号|帐号|邮编|区划|统一社会信用|信用代码|车牌"
    r"|phone|mobile|tel|zip|postcode|code|card|account|idcard|id_?no|cert",
    re.IGNORECASE,
)

# Digits-only values this long are identifiers (IDs, phones, cards), never quantities.
CODE_MIN_DIGITS = 11


def quote_ident(name: str) -> str:
    """Quote a column name for DuckDB.

    >>> quote_ident('a"b')
    '"a""b"'
    """
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    """Quote a string literal for DuckDB.

    >>> quote_literal("it's")
    "'it''s'"
    """
    return "'" + text.replace("'", "''") + "'"


def sql_type(kind: str, scale: int | None = None) -> str:
    """The DuckDB type we store a field type as.

    >>> sql_type("decimal", 2)
    'DECIMAL(38,2)'
    """
    return {
        "string": "VARCHAR",
        "integer": "BIGINT",
        "decimal": f"DECIMAL(38,{scale if scale is not None else 4})",
        "date": "DATE",
        "timestamp": "TIMESTAMP",
        "boolean": "BOOLEAN",
    }[kind]


def kind_of(duckdb_type: str) -> str:
    """Our field type name for a DuckDB type name.

    >>> kind_of("DECIMAL(18,2)"), kind_of("TIMESTAMP WITH TIME ZONE"), kind_of("UUID")
    ('decimal', 'timestamp', 'string')
    """
    t = duckdb_type.upper()
    if t in {
        "TINYINT",
        "SMALLINT",
        "INTEGER",
        "BIGINT",
        "HUGEINT",
        "UTINYINT",
        "USMALLINT",
        "UINTEGER",
        "UBIGINT",
        "UHUGEINT",
    }:
        return "integer"
    if t.startswith("DECIMAL") or t in {"DOUBLE", "FLOAT", "REAL"}:
        return "decimal"
    if t == "DATE":
        return "date"
    if t.startswith("TIMESTAMP"):
        return "timestamp"
    if t == "BOOLEAN":
        return "boolean"
    return "string"


def cast_text(col: str, kind: str, scale: int | None = None, *, declared: bool = True) -> str:
    """Expression turning text column `col` (already quoted) into `kind`, NULL where it cannot.

    DuckDB's TRY_CAST is fast when it succeeds but lenient (it takes "1e3", "0x10", "1_000" as
    integers), so numbers are guarded by a regex; slower fallbacks run only on values the fast
    cast refused. Inferred integers also refuse leading zeros: such a value is a code, and turning
    it into a number would silently lose the zero.
    """
    if kind == "string":
        return col
    if kind == "integer":
        digits = r"[+-]?\d+" if declared else r"[+-]?(0|[1-9]\d*)"
        return rf"CASE WHEN regexp_full_match({col}, '\s*{digits}\s*') THEN TRY_CAST({col} AS BIGINT) END"
    if kind == "decimal":
        return (
            rf"CASE WHEN regexp_full_match({col}, '\s*[+-]?(\d+\.?\d*|\.\d+)\s*') "
            f"THEN TRY_CAST({col} AS {sql_type('decimal', scale)}) END"
        )
    if kind == "date":
        formats = _DATE_FORMATS_DECLARED if declared else _DATE_FORMATS
        return (
            f"CASE WHEN NOT contains({col}, ':') THEN COALESCE(TRY_CAST({col} AS DATE), "
            f"CAST(TRY_STRPTIME(trim({col}), {formats}) AS DATE)) END"
        )
    if kind == "timestamp":
        return f"COALESCE(TRY_CAST({col} AS TIMESTAMP), TRY_STRPTIME(trim({col}), {_TS_FORMATS}))"
    if kind == "boolean":
        t = f"lower(trim({col}))"
        return f"CASE WHEN {t} IN {_TRUE} THEN true WHEN {t} IN {_FALSE} THEN false END"
    raise ValueError(kind)


def cast_any(
    col: str, source_type: str, kind: str, scale: int | None = None, *, declared: bool = True
) -> str:
    """Cast expression for a column of DuckDB type `source_type` (text gets the lenient parser)."""
    if source_type.upper() == "VARCHAR":
        return cast_text(col, kind, scale, declared=declared)
    if kind == "string":
        return f"CAST({col} AS VARCHAR)"
    return f"TRY_CAST({col} AS {sql_type(kind, scale)})"


@dataclass(frozen=True)
class Inferred:
    """An inferred column type and, for decimals, its scale."""

    kind: str
    scale: int | None = None


_DATE_SHAPE = r"\s*(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{4}年\d{1,2}月\d{1,2}[日号]?)\s*"
_TS_SHAPE = r"\s*(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{4}年\d{1,2}月\d{1,2}日?)[ T]\d{1,2}[:时]\d{1,2}([:分]\d{1,2}(\.\d+)?秒?)?\s*"
INFER_SAMPLE_ROWS = 20_480


def _stats_sql(col: str, i: int) -> str:
    """Shape counts for one column; regexes only, since failing casts are slow in bulk."""
    int_re = r"'\s*[+-]?\d{1,18}\s*'"
    return ", ".join(
        [
            f"count({col}) AS nn{i}",
            f"count_if(regexp_full_match({col}, {int_re})) AS nint{i}",
            rf"count_if(regexp_full_match({col}, '\s*0\d+\s*')) AS nlead{i}",
            rf"max(length(trim({col}))) FILTER (WHERE regexp_full_match({col}, '\s*[+-]?\d+\s*')) AS ilen{i}",
            rf"count_if(regexp_full_match({col}, '\s*[+-]?(\d+\.?\d*|\.\d+)\s*')) AS ndec{i}",
            rf"max(length(split_part(trim({col}), '.', 2))) FILTER (WHERE regexp_full_match({col}, '\s*[+-]?\d*\.\d+\s*')) AS dscale{i}",
            f"count_if(regexp_full_match({col}, '{_DATE_SHAPE}')) AS ndate{i}",
            f"count_if(regexp_full_match({col}, '{_TS_SHAPE}')) AS nts{i}",
            f"count_if({col} IN {_BOOL_INFER}) AS nbool{i}",
        ]
    )


def sample_sql(relation: str, columns: list[str], sample_rows: int = INFER_SAMPLE_ROWS) -> str:
    """A repeatable reservoir sample of `columns`, spread over the whole relation."""
    cols = ", ".join(quote_ident(c) for c in columns)
    return f"SELECT {cols} FROM {relation} USING SAMPLE reservoir({int(sample_rows)} ROWS) REPEATABLE (42)"


def infer_sql(relation: str, columns: list[str]) -> str:
    """One aggregate query over `relation` (a sample) gathering what `choose_kind` needs."""
    parts = [_stats_sql(quote_ident(c), i) for i, c in enumerate(columns)]
    return f"SELECT {', '.join(parts)} FROM {relation}"


def choose_kind(name: str, stats: dict[str, int | None], tolerance: float) -> Inferred:
    """Pick the narrowest type that all but `tolerance` of the non-empty values fit.

    Values that do not fit the chosen type become rejects, so one stray "未知" in a column of
    ages does not turn the column into text; digit codes (leading zeros, 11+ digits, code-like
    names) always stay text so an ID number never loses a zero or its X.

    >>> choose_kind("身份证号", {"nn": 2, "nint": 2, "nlead": 0, "ilen": 18, "ndec": 2, "dscale": None,
    ...     "ndate": 0, "nts": 0, "nbool": 0}, 0.01).kind
    'string'
    """
    nn = stats["nn"] or 0
    if nn == 0:
        return Inferred("string")
    allowed = int(nn * tolerance)

    def fits(key: str) -> bool:
        return nn - (stats[key] or 0) <= allowed

    code_like = (
        (stats["nlead"] or 0) > 0 or (stats["ilen"] or 0) >= CODE_MIN_DIGITS or bool(_CODE_NAME.search(name))
    )
    if stats["nbool"] == nn:
        return Inferred("boolean")
    if fits("nint"):
        return Inferred("string") if code_like else Inferred("integer")
    if fits("ndec") and not code_like:
        return Inferred("decimal", min(max(stats["dscale"] or 0, 0), 18))
    if fits("ndate") and (stats["ndate"] or 0) > 0:
        return Inferred("date")
    if fits("nts") and (stats["nts"] or 0) > 0:
        return Inferred("timestamp")
    return Inferred("string")
