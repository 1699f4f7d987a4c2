"""The mask kinds as SQL expressions (sqlglot trees), equal string for string to `zhongshu.core.masks`.

Each mask is written once in DuckDB dialect over a placeholder column and parsed into a sqlglot
tree, so the rewrite stays dialect-independent: `to_dialect(compiled, "spark")` prints the same
masks with Spark's function names. The value is first cast to text (a DATE birth date masks as
its ISO text does in Python). NULL stays NULL and '' stays '' in every kind, as in Python.

`bank_card` keeps the last 4 digits only, as the issue (#8) asks; `core.masks.mask_bank_card`
keeps 6 + 4 for screens. `token` calls the function `__zh_token`, which the sandbox registers
with the caller's key before it locks DuckDB; analysts cannot call it (reserved name, not on the
function allowlist), so they cannot compute tokens of candidate values.
"""

from __future__ import annotations

import functools

import sqlglot
from sqlglot import exp

TOKEN_FUNCTION = "__zh_token"
_V = "__zh_v"  # the placeholder column in the templates below
HIDDEN = "****"  # fixed width: `hide`, and the tail of a masked address

# Python's `\s` (str.isspace) and `\d` (Unicode Nd) written for RE2 (DuckDB) and Java (Spark),
# whose own `\s`/`\d` are ASCII only.
_PY_SPACE = r"[\t\n\x{0b}\f\r \x{1c}-\x{1f}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]"
_PY_DIGIT = r"\p{Nd}"
_BIRTH_YEAR = rf"^{_PY_SPACE}*((?:18|19|20){_PY_DIGIT}{_PY_DIGIT})"
# core.masks._ADDRESS_RE and _COUNTY_RE without the named group (whole match = the kept part).
_ADDRESS = (
    r"^(?:[^省]{2,7}(?:省|自治区))?(?:[^市]{2,7}(?:市|自治州|地区|盟))?"
    r"(?:[^县区]{1,7}?(?:县|区|旗))?[^街镇乡区]{1,8}?(?:街道|镇|乡|开发区)"
)
_COUNTY = r"^(?:[^省]{2,7}(?:省|自治区))?(?:[^市]{2,7}(?:市|自治州|地区|盟))?[^县区]{1,7}?(?:县|区|旗)"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _keep_ends(v: str, head: int, tail: int) -> str:
    """SQL for core.masks._keep_ends: all stars when too short, else head + stars + tail."""
    parts = [f"LEFT({v}, {head})"] if head else []
    parts.append(f"REPEAT('*', LENGTH({v}) - {head + tail})")
    if tail:
        parts.append(f"RIGHT({v}, {tail})")
    return f"(CASE WHEN LENGTH({v}) <= {head + tail} THEN REPEAT('*', LENGTH({v})) ELSE {' || '.join(parts)} END)"


def _extracted_or(pattern: str, v: str, otherwise: str, group: int = 0) -> str:
    got = f"REGEXP_EXTRACT({v}, {_quote(pattern)}, {group})"
    return f"CASE WHEN {got} <> '' AND LENGTH({got}) < LENGTH({v}) THEN {got} || '{HIDDEN}' ELSE {otherwise} END"


def _phone(v: str) -> str:
    dash = f"STRPOS({v}, '-')"
    rest = f"SUBSTRING({v}, {dash} + 1)"
    return (
        f"CASE WHEN {dash} > 0 THEN LEFT({v}, {dash}) || {_keep_ends(rest, 0, 4)}"
        f" WHEN LEFT({v}, 1) = '0' AND LENGTH({v}) >= 10 THEN"
        f" (CASE WHEN SUBSTRING({v}, 2, 1) IN ('1', '2') THEN LEFT({v}, 3) || {_keep_ends(f'SUBSTRING({v}, 4)', 0, 4)}"
        f" ELSE LEFT({v}, 4) || {_keep_ends(f'SUBSTRING({v}, 5)', 0, 4)} END)"
        f" ELSE {_keep_ends(v, 3, 4)} END"
    )


def _passing_empty(body: str, v: str) -> str:
    """NULL and '' pass through unchanged, as in core.masks."""
    return f"CASE WHEN {v} IS NULL OR {v} = '' THEN {v} ELSE {body} END"


_TEMPLATES: dict[str, str] = {
    "id_number": _keep_ends(_V, 6, 4),
    "bank_card": _keep_ends(_V, 0, 4),
    "name": f"CASE WHEN LENGTH({_V}) <= 1 THEN REPEAT('*', LENGTH({_V})) ELSE LEFT({_V}, 1) || REPEAT('*', LENGTH({_V}) - 1) END",
    "phone": _phone(_V),
    "address": _passing_empty(_extracted_or(_ADDRESS, _V, _extracted_or(_COUNTY, _V, f"'{HIDDEN}'")), _V),
    "birth_date": _passing_empty(
        f"CASE WHEN REGEXP_EXTRACT({_V}, {_quote(_BIRTH_YEAR)}, 1) <> '' "
        f"THEN REGEXP_EXTRACT({_V}, {_quote(_BIRTH_YEAR)}, 1) ELSE '{HIDDEN}' END",
        _V,
    ),
    "hide": _passing_empty(f"'{HIDDEN}'", _V),
    "token": _passing_empty(f"{TOKEN_FUNCTION}({_V})", _V),
}


@functools.cache
def _template(kind: str) -> exp.Expr:
    return sqlglot.parse_one(_TEMPLATES[kind], read="duckdb")


def mask_expression(kind: str, column: exp.Expr) -> exp.Expr:
    """The mask `kind` applied to `column` (cast to text first), as a sqlglot tree.

    >>> print(mask_expression("hide", exp.column("x")).sql("duckdb"))
    CASE WHEN CAST(x AS TEXT) IS NULL OR CAST(x AS TEXT) = '' THEN CAST(x AS TEXT) ELSE '****' END
    """
    value = exp.cast(column, exp.DataType.build("VARCHAR"))

    def put(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Column) and node.name == _V and not node.table:
            return value.copy()
        return node

    return _template(kind).copy().transform(put, copy=False)
