"""Rule 5: mask each granted column at the source, inside its source select (source.py).

Every masked column of a source select becomes `<mask>(CAST(__zh_row."col" AS VARCHAR)) AS "col"`.
Everything above the subquery — WHERE, JOIN, GROUP BY, ORDER BY, windows, other subqueries — sees
only the masked value, so a range search in WHERE finds nothing a SELECT would not show.
"""

from __future__ import annotations

from sqlglot import exp

from zhongshu.warehouse.gateway.context import Context
from zhongshu.warehouse.gateway.masks import mask_expression


def apply_masks(tree: exp.Query, ctx: Context) -> exp.Query:
    """Replace masked columns in the source selects by their masked values."""
    for name, select in ctx.sources.items():
        kinds = {col.lower(): kind for col, kind in ctx.policies[name].masks.items()}
        if not kinds or name in ctx.cached:
            continue
        projection: list[exp.Expr] = []
        for column in select.expressions:
            kind = kinds.get(column.name.lower())
            if kind is None:
                projection.append(column)
            else:
                masked = mask_expression(kind, column)
                projection.append(exp.Alias(this=masked, alias=exp.to_identifier(column.name, quoted=True)))
        select.set("expressions", projection)
    return tree
