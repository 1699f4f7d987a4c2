"""What an analyst's query may contain: node types, functions, data types and the bounds on them.

Default deny. Anything not listed here — table functions (`read_csv`, `query_table`, `query`,
`glob`, `range`/`generate_series`, `unnest`), catalog, settings, extension, sequence, random and
file functions, lambdas, PIVOT, LATERAL, SAMPLE, JSON arrows, user-defined types, `printf`/`format`
(width bombs) — is refused by `check_allowlist` before any engine sees the query. Entries are
sqlglot expression class names, resolved against the installed sqlglot (a name it lacks is simply
not allowed), plus a few DuckDB function names sqlglot parses as `Anonymous`.
"""

from __future__ import annotations

from sqlglot import exp


def _classes(names: str) -> frozenset[type[exp.Expr]]:
    return frozenset(getattr(exp, n) for n in names.split() if hasattr(exp, n))


# Query structure, operators, literals and types.
NODES = _classes(
    """
    Select Union Intersect Except Subquery From Join Table TableAlias Identifier Column Star Alias
    Where Group Having Order Ordered Limit Offset Distinct With CTE Window WindowSpec Qualify
    Literal Boolean Null Paren Tuple In Between Like ILike Escape Is Not And Or Xor
    EQ NEQ GT GTE LT LTE NullSafeEQ NullSafeNEQ Add Sub Mul Div IntDiv Mod Neg
    BitwiseAnd BitwiseOr BitwiseXor BitwiseNot BitwiseLeftShift BitwiseRightShift DPipe
    Case If Cast TryCast DataType DataTypeParam Interval Var Exists Any All Values
    Bracket Array Struct PropertyEQ Slice Dot Filter WithinGroup IgnoreNulls RespectNulls
    """
)

# Scalar, aggregate and window functions. Aggregates over huge inputs (string_agg, list) are
# allowed: the worker's memory cap and clock end them, as they do any other heavy query.
FUNCTIONS = _classes(
    """
    Coalesce Nullif
    Count Sum Avg Min Max Stddev StddevPop StddevSamp Variance VariancePop Median Quantile
    PercentileCont PercentileDisc Mode ApproxDistinct ApproxQuantile GroupConcat ArrayAgg
    First Last AnyValue ArgMax ArgMin LogicalAnd LogicalOr CountIf Corr CovarPop CovarSamp
    RowNumber Rank DenseRank PercentRank CumeDist Ntile Lag Lead FirstValue LastValue NthValue
    Abs Ceil Floor Round Trunc Sign Sqrt Cbrt Pow Exp Ln Log Greatest Least
    Lower Upper Length Substring Left Right Trim Replace Concat ConcatWs StrPosition StartsWith
    EndsWith Contains Pad Repeat Reverse SplitPart Split RegexpLike RegexpILike RegexpExtract
    RegexpReplace RegexpFullMatch Ascii Chr Unicode Initcap Levenshtein MD5 SHA SHA2
    TimestampTrunc DateTrunc Extract Year Month Day Quarter Week DayOfWeek DayOfYear DayOfMonth
    Hour Minute Second TimeToStr StrToTime StrToDate DateAdd DateSub DateDiff DateFromParts
    CurrentDate CurrentTimestamp LastDay Dayname Monthname UnixToTime TsOrDsToDate
    ArraySize ArrayContains IsNan IsInf TimeToUnix BitLength
    """
)

# DuckDB functions that sqlglot does not model (parsed as `Anonymous`), by lower-case name.
ANONYMOUS_FUNCTIONS = frozenset(
    """
    date_part datepart try_strptime strlen prefix suffix mean age isfinite even gcd lcm
    list_extract array_extract
    """.split()
)

# Functions whose size argument must be a small integer literal (they multiply a string's length).
BOUNDED = {
    exp.Repeat: "times",
    exp.Pad: "expression",
}
MAX_BOUND = 1000

# Data types a CAST may name. No user-defined, enum, nested or extension types.
DATA_TYPES = frozenset(
    getattr(exp.DataType.Type, n)
    for n in """
    VARCHAR TEXT CHAR NVARCHAR NCHAR BPCHAR BOOLEAN TINYINT SMALLINT INT BIGINT INT128 UTINYINT
    USMALLINT UINT UBIGINT UINT128 FLOAT DOUBLE DECIMAL DATE TIME TIMESTAMP TIMESTAMPTZ
    TIMESTAMP_S TIMESTAMP_MS TIMESTAMP_NS INTERVAL
    """.split()
    if hasattr(exp.DataType.Type, n)
)

# Size bounds of the query itself: what the compiler takes keeps compile time and memory small.
MAX_SQL_CHARS = 100_000
MAX_LITERAL_CHARS = 1_000
MAX_NUMBER_CHARS = 40
MAX_IDENTIFIER_CHARS = 128
MAX_NODES = 20_000
MAX_DEPTH = 150
