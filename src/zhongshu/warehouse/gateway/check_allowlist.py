"""Rule 2: refuse every node, function and type outside the allowlist, and bound sizes.

One walk over the tree (iterative, so a deep tree cannot exhaust Python's stack) checks each
node against `allowlist`: placeholders, recursive CTEs, reserved names, table functions and
qualified tables, literal and identifier sizes, the size arguments of `repeat`/`lpad`/`rpad`,
LIMIT/OFFSET literals, and the tree's size and depth.
"""

from __future__ import annotations

import re

from sqlglot import exp

from zhongshu.warehouse.gateway import allowlist as allow
from zhongshu.warehouse.gateway.context import Context
from zhongshu.warehouse.gateway.errors import GatewayRefused
from zhongshu.warehouse.gateway.policy import RESERVED_PREFIX

_WORD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
_PLACEHOLDERS = tuple(
    getattr(exp, n) for n in ("Placeholder", "Parameter", "SessionParameter") if hasattr(exp, n)
)
_TABLE_ARGS = {"this", "alias"}


def position_of(node: exp.Expr) -> tuple[int, int] | None:
    """(line, column) of a node, or of the first of its descendants that sqlglot located."""
    for n in node.walk():
        meta = n.meta
        if "line" in meta and "col" in meta:
            # sqlglot's column is where the token ends; say where it starts
            width = meta.get("end", 0) - meta.get("start", 0)
            return meta["line"], max(1, meta["col"] - width)
    return None


def said(name: str) -> str:
    """A name the caller wrote, repeated back only when it is a plain ASCII word (never a value).

    >>> said("persons"), said("371122199001011234"), said("身份证号")
    ('persons', '(a name)', '(a name)')
    """
    return name if _WORD.match(name or "") else "(a name)"


def function_name(node: exp.Func) -> str:
    """The function's name as SQL spells it (lower case), for messages and the allowlist."""
    if isinstance(node, exp.Anonymous):
        return str(node.name).lower()
    return node.sql_name().lower()


def _refuse(code: str, message: str, node: exp.Expr, hint: str = "") -> GatewayRefused:
    return GatewayRefused(code, message, position=position_of(node), hint=hint)


def _check_bounded(node: exp.Func, arg: str, inside: bool) -> None:
    name = function_name(node)
    if inside:
        raise _refuse(
            "bounded_argument", f"{said(name)}() may not be nested inside another repeat or pad", node,
            hint="build long strings differently; the gateway bounds string growth",
        )
    size = node.args.get(arg)
    if not (isinstance(size, exp.Literal) and size.is_int and 0 <= int(size.name) <= allow.MAX_BOUND):
        raise _refuse(
            "bounded_argument",
            f"the size given to {said(name)}() must be a whole number from 0 to {allow.MAX_BOUND}", node,
            hint="write the size as a number",
        )


def _check_node(node: exp.Expr, bounded_above: bool) -> bool:
    """Check one node; return whether its children sit inside a bounded function."""
    if isinstance(node, _PLACEHOLDERS):
        raise _refuse("placeholder", "the gateway takes no parameters (?, $1, $name)", node,
                      hint="write the values into the query")
    if isinstance(node, exp.Identifier):
        name = str(node.name)
        if len(name) > allow.MAX_IDENTIFIER_CHARS:
            raise _refuse("too_large", f"a name is longer than {allow.MAX_IDENTIFIER_CHARS} characters", node)
        if name.lower().startswith(RESERVED_PREFIX):
            raise _refuse("reserved_name", f"names starting with {RESERVED_PREFIX} are reserved", node,
                          hint="rename the alias or CTE")
        return bounded_above
    if isinstance(node, exp.Literal):
        limit = allow.MAX_LITERAL_CHARS if node.is_string else allow.MAX_NUMBER_CHARS
        if len(node.name) > limit:
            raise _refuse("too_large", f"a literal is longer than {limit} characters", node,
                          hint="long lists of values belong in a dataset, not in the query")
        return bounded_above
    if isinstance(node, exp.Var) and not _WORD.match(str(node.name)):
        raise _refuse("forbidden_node", "an unexpected keyword", node)
    if isinstance(node, exp.With) and node.args.get("recursive"):
        raise _refuse("recursive_cte", "recursive CTEs (WITH RECURSIVE) are not allowed", node,
                      hint="use a fixed number of joins or window functions instead")
    if isinstance(node, exp.Table):
        if node.args.get("db") or node.args.get("catalog"):
            raise _refuse("qualified_name", "tables are named without a schema or catalog", node,
                          hint="write the table's SQL name alone, e.g. FROM persons")
        if isinstance(node.this, exp.Func):
            raise _refuse("forbidden_function", f"table function {said(function_name(node.this))}() is not allowed",
                          node, hint="query granted tables by their SQL name")
        extra = sorted(k for k, v in node.args.items() if v and k not in _TABLE_ARGS)
        if not isinstance(node.this, exp.Identifier) or extra:
            raise _refuse("forbidden_node", f"this table reference is not allowed ({', '.join(extra) or 'form'})",
                          node, hint="write FROM <table> [AS alias]")
        return bounded_above
    if isinstance(node, exp.DataType):
        if node.this not in allow.DATA_TYPES:
            raise _refuse("forbidden_node", f"casts to {said(str(node.this.value))} are not allowed", node,
                          hint="cast to text, numbers, booleans, dates or timestamps")
        return bounded_above
    if isinstance(node, (exp.Limit, exp.Offset)):
        value = node.args.get("expression")
        if not (isinstance(value, exp.Literal) and value.is_int) or any(
            v for k, v in node.args.items() if k != "expression"
        ):
            raise _refuse("forbidden_node", f"{node.key.upper()} takes a whole number", node,
                          hint="e.g. LIMIT 100")
        return bounded_above
    if isinstance(node, exp.Func) and type(node) not in allow.NODES:
        name = function_name(node)
        allowed = (
            name in allow.ANONYMOUS_FUNCTIONS if isinstance(node, exp.Anonymous) else type(node) in allow.FUNCTIONS
        )
        if not allowed:
            raise _refuse("forbidden_function", f"function {said(name)}() is not allowed", node,
                          hint="table functions and file, catalog, settings, extension and random functions "
                               "are not available; docs/sql-gateway.md lists what is")
        arg = allow.BOUNDED.get(type(node))
        if arg:
            _check_bounded(node, arg, bounded_above)
            return True
        return bounded_above
    if type(node) not in allow.NODES:
        raise _refuse("forbidden_node", f"{said(node.key.upper())} is not allowed in gateway queries", node,
                      hint="docs/sql-gateway.md lists what is")
    return bounded_above


def check_allowlist(tree: exp.Query, ctx: Context) -> exp.Query:
    """Refuse anything outside the allowlist; return the tree unchanged."""
    placeholder = tree.find(*_PLACEHOLDERS)
    if placeholder is not None:  # said first, wherever it stands (LIMIT ?, repeat('x', ?) …)
        raise _refuse("placeholder", "the gateway takes no parameters (?, $1, $name)", placeholder,
                      hint="write the values into the query")
    stack: list[tuple[exp.Expr, int, bool]] = [(tree, 1, False)]
    seen = 0
    while stack:
        node, depth, bounded = stack.pop()
        seen += 1
        if seen > allow.MAX_NODES or depth > allow.MAX_DEPTH:
            raise GatewayRefused("too_large", "the query is too large or nested too deeply", hint="simplify it")
        inside = _check_node(node, bounded)
        for value in node.args.values():
            for child in value if isinstance(value, list) else (value,):
                if isinstance(child, exp.Expr):
                    stack.append((child, depth + 1, inside))
    return tree
