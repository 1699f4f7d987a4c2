"""Rule 6: fetch at most max_rows + 1 rows, so the caller learns that a result was cut.

A LIMIT the caller wrote stays when it is smaller; otherwise the outermost query gets
`LIMIT max_rows + 1` (ORDER BY stays where it is, so the first rows are the ones they asked for).
"""

from __future__ import annotations

from sqlglot import exp

from zhongshu.warehouse.gateway.context import Context


def cap_rows(tree: exp.Query, ctx: Context) -> exp.Query:
    """Bound the outermost query's LIMIT by max_rows + 1."""
    cap = ctx.limits.max_rows + 1
    limit = tree.args.get("limit")
    value = limit.args.get("expression") if isinstance(limit, exp.Limit) else None
    if isinstance(value, exp.Literal) and value.is_int and int(value.name) <= cap:
        return tree
    tree.set("limit", exp.Limit(expression=exp.Literal.number(cap)))
    return tree
