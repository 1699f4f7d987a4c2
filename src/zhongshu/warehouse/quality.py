"""Quality rules over a version's Parquet files, run in DuckDB over every row.

Each rule kind becomes one SQL predicate that is true for a failing row; results carry counts and
up to `MAX_FAILING_ROWS` 1-based row numbers (in version order), never values. Check digits
(GB 11643, GB 32100, Luhn) are computed in SQL with list lambdas: exact on all rows and
vectorised, so there is no Python UDF or sampling.

A bad value never stops a rule: every conversion is a TRY_CAST (DuckDB evaluates both sides of
an AND, so a guard such as a regex in front of a CAST does not protect it), and a value that cannot
be converted counts as a failing row like any other. A rule that still cannot run (a pattern
DuckDB's RE2 refuses, a column that is gone) gets a `RuleResult` with `error` set, saying why
without the engine's text (which may quote values), and the other rules still run.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from zhongshu.core.errors import InvalidInput, ZhongshuError
from zhongshu.ingest.casting import quote_ident, quote_literal
from zhongshu.warehouse.engine import DuckDBEngine, version_paths

RuleKind = Literal["required", "unique", "format", "check_digit", "range", "allowed_values", "reference"]
MAX_FAILING_ROWS = 20
_USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@dataclass(frozen=True)
class Rule:
    """One quality rule on a column; `params` depends on the kind (pattern, scheme, min/max, values, files/column)."""

    kind: RuleKind
    column: str
    params: dict[str, Any] = field(default_factory=dict)
    reason: str = ""


@dataclass
class RuleResult:
    """Outcome of one rule: rows checked, passed, failed, and the first failing row numbers."""

    rule: Rule
    checked: int
    passed: int
    failed: int
    failing_rows: list[int]
    error: str = ""  # set when the rule could not be evaluated; the counts then say nothing was verified


def resident_id_ok_sql(col: str) -> str:
    """SQL true when `col` is an 18-character ID with a real birth date and a correct GB 11643 check character."""
    weights = "[7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]"
    total = f"list_sum(list_transform(range(1, 18), lambda i: TRY_CAST({col}[i] AS INTEGER) * {weights}[i]))"
    return (
        f"(regexp_full_match({col}, '\\d{{17}}[0-9Xx]') AND "
        f"coalesce(year(TRY_STRPTIME(substr({col}, 7, 8), '%Y%m%d')) >= 1850, false) AND "
        f"substr('10X98765432', CAST({total} % 11 AS INTEGER) + 1, 1) = upper({col}[18]))"
    )


def uscc_ok_sql(col: str, *, check_org_code: bool = True) -> str:
    """SQL true when `col` is an 18-character USCC with a correct GB 32100 check character.

    Like `core.identifiers.is_valid_uscc`, it also checks the embedded GB 11714 organisation code
    (characters 9–17) unless `check_org_code` is false.
    """
    weights = "[1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]"
    cs = quote_literal(_USCC_CHARSET)
    total = f"list_sum(list_transform(range(1, 18), lambda i: (strpos({cs}, {col}[i]) - 1) * {weights}[i]))"
    sql = (
        f"regexp_full_match({col}, '[0-9A-HJ-NPQRTUWXY]{{18}}') AND "
        f"substr({cs}, CAST((31 - {total} % 31) % 31 AS INTEGER) + 1, 1) = {col}[18]"
    )
    if check_org_code:
        # GB 11714: digits count as themselves, letters A=10 … Z=35; check 10 → X, 11 → 0.
        org = (
            "list_sum(list_transform(range(1, 9), lambda i: "
            f"(strpos('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', {col}[8 + i]) - 1) * [3, 7, 9, 10, 5, 8, 4, 2][i]))"
        )
        sql += (
            f" AND regexp_full_match(substr({col}, 9, 8), '[0-9A-Z]{{8}}') AND "
            f"substr('0123456789X0', CAST(11 - {org} % 11 AS INTEGER) + 1, 1) = {col}[17]"
        )
    return f"({sql})"


def luhn_ok_sql(col: str) -> str:
    """SQL true when `col` is 16–19 digits passing the Luhn check (bank cards)."""
    d = f"TRY_CAST(reverse({col})[i] AS INTEGER)"
    term = f"CASE WHEN i % 2 = 0 THEN (CASE WHEN {d} * 2 > 9 THEN {d} * 2 - 9 ELSE {d} * 2 END) ELSE {d} END"
    return f"(regexp_full_match({col}, '\\d{{16,19}}') AND list_sum(list_transform(range(1, length({col}) + 1), lambda i: {term})) % 10 = 0)"


_CHECKS = {"resident_id": resident_id_ok_sql, "uscc": uscc_ok_sql, "bank_card": luhn_ok_sql}
CHECK_SCHEMES: tuple[str, ...] = tuple(_CHECKS)


def _files(paths: list[str]) -> str:
    return "[" + ", ".join(quote_literal(p) for p in paths) + "]"


def _failing_predicate(rule: Rule, col: str) -> str:
    """SQL that is true for a failing row of `rule` (over view `v`, row number `__row`)."""
    p = rule.params
    text = f"CAST({col} AS VARCHAR)"
    if rule.kind == "required":
        return f"({col} IS NULL OR trim({text}) = '')"
    if rule.kind == "format":
        return f"({col} IS NOT NULL AND NOT regexp_full_match({text}, {quote_literal(p['pattern'])}))"
    if rule.kind == "check_digit":
        scheme = p.get("scheme", "resident_id")
        if scheme not in _CHECKS:
            raise InvalidInput(
                "params.scheme",
                f"unknown check-digit scheme {scheme!r}",
                hint=f"use one of: {', '.join(_CHECKS)}",
            )
        return f"({col} IS NOT NULL AND NOT coalesce({_CHECKS[scheme](text)}, false))"
    if rule.kind == "range":
        bounds = [b for b in (p.get("min"), p.get("max")) if b is not None]
        numeric = bool(bounds) and all(_is_number(b) for b in bounds)
        # numbers compare as numbers (a value that is not one fails), anything else as text
        value = f"TRY_CAST({col} AS DOUBLE)" if numeric else text
        conds = ["false"] if not numeric else [f"{value} IS NULL"]
        if p.get("min") is not None:
            conds.append(f"{value} < {_literal(p['min'] if numeric else str(p['min']))}")
        if p.get("max") is not None:
            conds.append(f"{value} > {_literal(p['max'] if numeric else str(p['max']))}")
        return f"({col} IS NOT NULL AND ({' OR '.join(conds)}))"
    if rule.kind == "allowed_values":
        if p["values"] and all(_is_number(v) for v in p["values"]):
            values = ", ".join(_literal(v) for v in p["values"])
            value = f"TRY_CAST({col} AS DOUBLE)"
            return f"({col} IS NOT NULL AND ({value} IS NULL OR {value} NOT IN ({values})))"
        values = ", ".join(quote_literal(str(v)) for v in p["values"])
        return f"({col} IS NOT NULL AND {text} NOT IN ({values}))"
    if rule.kind == "unique":
        return f"({col} IS NOT NULL AND count(*) OVER (PARTITION BY {col}) > 1)"
    if rule.kind == "reference":
        ref_col = quote_ident(p.get("column", rule.column))
        ref = _files(version_paths(p["files"]))
        # compared as text: the two versions may type the column differently (BIGINT here, VARCHAR there)
        return (f"({col} IS NOT NULL AND {text} NOT IN (SELECT CAST({ref_col} AS VARCHAR) FROM read_parquet({ref}) "
                f"WHERE {ref_col} IS NOT NULL))")
    raise InvalidInput(
        "kind",
        f"unknown rule kind {rule.kind!r}",
        hint="use required, unique, format, check_digit, range, allowed_values or reference",
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return quote_literal(str(value))


def run_rules(
    files: Sequence[str | os.PathLike[str]], rules: Sequence[Rule], *, engine: DuckDBEngine | None = None
) -> list[RuleResult]:
    """Run every rule over all rows of the version made of `files`."""
    paths = version_paths(files)
    eng = engine or DuckDBEngine()
    try:
        # A global 1-based row number: files in order, rows in file order.
        eng.run(
            "CREATE OR REPLACE TEMP VIEW v AS SELECT * EXCLUDE (file_row_number, filename), "
            "file_row_number + 1 + coalesce(o.off, 0) AS __row FROM read_parquet("
            + _files(paths)
            + ", file_row_number=true, filename=true) "
            "JOIN (SELECT file_name, sum(num_rows) OVER (ORDER BY idx ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS off "
            "FROM (SELECT file_name, num_rows, list_position(" + _files(paths) + ", file_name) AS idx "
            "FROM parquet_file_metadata(" + _files(paths) + "))) o ON o.file_name = filename"
        )
        columns = {r[0] for r in eng.con.execute("DESCRIBE v").fetchall()}
        total = eng.con.execute("SELECT count(*) FROM v").fetchall()[0][0]
        results = []
        for rule in rules:
            try:
                results.append(_run_rule(eng, rule, columns, total))
            except ZhongshuError as exc:
                # Nothing about this rule was verified: say why, count no row as passed, go on.
                results.append(RuleResult(rule, total, 0, total, [], error=_rule_error(exc)))
        return results
    finally:
        if engine is None:
            eng.close()


def _run_rule(eng: DuckDBEngine, rule: Rule, columns: set[str], total: int) -> RuleResult:
    if rule.column not in columns:
        raise InvalidInput(
            "column",
            f"rule column {rule.column!r} is not in the version",
            hint="fix the rule or the dataset's columns",
        )
    pred = _failing_predicate(rule, quote_ident(rule.column))
    eng.run(f"CREATE OR REPLACE TEMP TABLE fails AS SELECT __row FROM (SELECT __row, {pred} AS bad FROM v) WHERE bad")
    failed = int(eng.query("SELECT count(*) AS n FROM fails").column("n")[0].as_py())
    rows = eng.query(f"SELECT CAST(__row AS BIGINT) AS r FROM fails ORDER BY __row LIMIT {MAX_FAILING_ROWS}")
    return RuleResult(rule, total, total - failed, failed, [int(r) for r in rows.column("r").to_pylist()])


def _rule_error(exc: ZhongshuError) -> str:
    """Why a rule could not run, for the steward; never the engine's own text (it may quote values).

    >>> _rule_error(InvalidInput("column", "rule column 'x' is not in the version"))
    "rule column 'x' is not in the version"
    """
    if isinstance(exc, InvalidInput):
        return exc.reason
    kind = getattr(exc, "engine_error_type", "") or type(exc).__name__
    return f"the rule could not be evaluated on this version ({kind}); check its parameters (a format pattern is RE2 syntax)"


_FORMATS = {
    "mobile": r"1[3-9]\d{9}",
    "landline": r"(0\d{2,3}-?)?\d{7,8}",
    "plate": r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领][A-Z]·?[A-HJ-NP-Z0-9]{4,5}[A-HJ-NP-Z0-9挂学警港澳]",
}


def propose_rules(field_profiles: Sequence[Any], key_columns: Sequence[str] = ()) -> list[Rule]:
    """Suggest rules from profiled labels (resident_id → required + check_digit, …) and keys (unique)."""
    rules: list[Rule] = []
    for fp in field_profiles:
        label = getattr(fp, "label", None)
        name = fp.name
        if label == "resident_id":
            rules += [
                Rule("required", name, reason="ID number column"),
                Rule("check_digit", name, {"scheme": "resident_id"}, reason="GB 11643 check character"),
            ]
        elif label in ("uscc", "bank_card"):
            rules.append(Rule("check_digit", name, {"scheme": label}, reason=f"{label} check character"))
        elif label in _FORMATS:
            rules.append(Rule("format", name, {"pattern": _FORMATS[label]}, reason=f"{label} format"))
        if fp.null_share == 0 and label not in ("resident_id",):
            rules.append(Rule("required", name, reason="no empty values in the profiled version"))
    for key in key_columns:
        rules.append(Rule("unique", key, reason="key column"))
        if not any(r.kind == "required" and r.column == key for r in rules):
            rules.append(Rule("required", key, reason="key column"))
    return rules
