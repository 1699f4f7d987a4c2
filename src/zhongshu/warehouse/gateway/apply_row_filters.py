"""Rule 4: put each grant's row filter into its source select (source.py), behind an optimisation fence.

The filter is the grant's predicate over the table's clear columns (DuckDB dialect). It is parsed
and checked like a query (the same allowlist, and no subqueries, aggregates, windows or qualified
columns), its columns are pinned to the view (`__zh_row."col"`, so DuckDB cannot take a masked
output alias of the same name instead), and the subquery gets `LIMIT 2^63-1`: no optimiser pushes
a predicate through a LIMIT, so the caller's WHERE — which may raise errors, e.g. a failing CAST —
is never evaluated on rows the filter removes. Without the fence an error/no-error outcome could
tell the caller something about rows they may not see.
"""

from __future__ import annotations

import functools

import sqlglot
from sqlglot import exp

from zhongshu.warehouse.gateway.check_allowlist import check_allowlist
from zhongshu.warehouse.gateway.context import (
    BARRIER_META,
    BARRIER_ROWS,
    DIALECT,
    ROW_ALIAS,
    Context,
)
from zhongshu.warehouse.gateway.errors import GatewayRefused
from zhongshu.warehouse.gateway.policy import Limits, TablePolicy

_NOT_IN_FILTERS = (exp.Query, exp.Subquery, exp.Table, exp.AggFunc, exp.Window, exp.Star)


def _bad(policy: TablePolicy, what: str) -> GatewayRefused:
    who = f"grant {policy.grant_id}" if policy.grant_id else f"the policy for {policy.name!r}"
    return GatewayRefused("bad_policy", f"the row filter of {who} cannot be used: {what}",
                          hint="the data steward must correct the grant")


@functools.lru_cache(maxsize=512)
def _checked_filter(text: str) -> exp.Expr | str:
    """The filter's tree with columns pinned to the view, or the reason it cannot be used."""
    try:
        statements = [s for s in sqlglot.parse(text, read=DIALECT) if s is not None]
    except Exception:  # noqa: BLE001 - any parse failure is a malformed filter
        return "it is not a valid SQL predicate"
    if len(statements) != 1 or isinstance(statements[0], (exp.Query, exp.Command)):
        return "it must be one predicate, e.g. township = '城阳街道'"
    predicate = statements[0]
    try:
        check_allowlist(predicate, Context(policies={}, limits=Limits()))
    except GatewayRefused as exc:
        return exc.message
    for node in predicate.walk():
        if isinstance(node, _NOT_IN_FILTERS):
            return "subqueries, tables, aggregates and window functions are not allowed in it"
        if isinstance(node, exp.Column) and (node.args.get("table") or node.args.get("db")):
            return "its columns must be written without a table name"

    def pin(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Column):
            return exp.column(node.name, table=ROW_ALIAS, quoted=True)
        return node

    return predicate.transform(pin)


def row_filter(policy: TablePolicy) -> exp.Expr | None:
    """The policy's row filter as a checked tree (a fresh copy), None when it has none."""
    if policy.row_filter is None or not policy.row_filter.strip():
        return None
    checked = _checked_filter(policy.row_filter)
    if isinstance(checked, str):
        raise _bad(policy, checked)
    return checked.copy()


def apply_row_filters(tree: exp.Query, ctx: Context) -> exp.Query:
    """Add each policy's row filter and the fence to its source select."""
    for name, select in ctx.sources.items():
        predicate = None if name in ctx.cached else row_filter(ctx.policies[name])
        if predicate is None:
            continue
        select.where(predicate, copy=False)
        fence = exp.Limit(expression=exp.Literal.number(BARRIER_ROWS))
        fence.meta[BARRIER_META] = True
        select.set("limit", fence)
    return tree
