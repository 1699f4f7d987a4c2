"""Source subqueries: what stands in the rewritten query where the caller named a granted table.

`qualify` replaces each granted table reference by a `SourceRef` node (policy name + the caller's
alias); `apply_row_filters` and `apply_masks` build the policy's *source select* —
`SELECT <granted columns, masked> FROM "__zh_src"."<name>" AS __zh_row WHERE <row filter> LIMIT <fence>` —
which depends on the policy alone. Finished source selects are kept in a small cache keyed by the
policy's content, with their DuckDB SQL, so compiling a query does not rebuild and reprint the
same mask expressions every time (that was most of the compile time). The query is printed once,
with a mark where each `SourceRef` stands: with the policy's name there it is the normalised query
(the digest's input), with `(<source SQL>)` there it is what DuckDB runs. `expand` gives the plain
sqlglot tree (real subqueries) for other dialects.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from typing import Any

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect

from zhongshu.warehouse.gateway.context import DIALECT, ROW_ALIAS, SOURCE_SCHEMA
from zhongshu.warehouse.gateway.policy import TablePolicy


class SourceRef(exp.Expression):
    """A granted table in the rewritten query: `this` is the policy name, `alias` the caller's alias."""

    arg_types = {"this": True, "alias": False}


def signature(policy: TablePolicy, columns: tuple[str, ...]) -> tuple:
    """What a source select depends on (not the files: the sandbox's view is named after the policy)."""
    return (policy.name, tuple(policy.columns), tuple(sorted(policy.masks.items())), policy.row_filter, columns)


def needed_columns(policy: TablePolicy, names: set[str] | None) -> tuple[str, ...]:
    """The granted columns a query can reach: those it names, or all of them (`names` None).

    Leaving out a column the query does not name cannot leak anything — at worst the query fails
    to bind — and spares DuckDB binding masks nobody reads (regular expressions are compiled at
    bind time: four unused masks cost ~7 ms per query). A query that names none still needs one
    column in the select: the first clear one.
    """
    if names is None:
        return tuple(policy.columns)
    used = tuple(c for c in policy.columns if c.lower() in names)
    if used:
        return used
    masked = {c.lower() for c in policy.masks}
    return (next((c for c in policy.columns if c.lower() not in masked), policy.columns[0]),)


def view(policy: TablePolicy) -> exp.Table:
    """The sandbox's view of a policy's files, aliased `__zh_row`."""
    return exp.Table(
        this=exp.to_identifier(policy.name, quoted=True),
        db=exp.to_identifier(SOURCE_SCHEMA, quoted=True),
        alias=exp.TableAlias(this=exp.to_identifier(ROW_ALIAS, quoted=True)),
    )


def bare_select(policy: TablePolicy, columns: tuple[str, ...] | None = None) -> exp.Select:
    """Granted columns of the view (all by default), clear: the next rules add the row filter and the masks."""
    columns = tuple(policy.columns) if columns is None else columns
    select = exp.Select(expressions=[exp.column(c, table=ROW_ALIAS, quoted=True) for c in columns])
    return select.from_(view(policy), copy=False)


class SourceCache:
    """Finished source selects and their DuckDB SQL, by policy signature (LRU, thread-safe)."""

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._items: OrderedDict[tuple, tuple[exp.Select, str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> tuple[exp.Select, str] | None:
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def put(self, key: tuple, select: exp.Select) -> str:
        sql = select.sql(dialect=DIALECT, comments=False)
        with self._lock:
            self._items[key] = (select, sql)
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return sql


CACHE = SourceCache()
_DUCKDB = Dialect.get_or_raise(DIALECT)
_BaseGenerator: Any = _DUCKDB.generator_class


# Printed where a SourceRef stands: NUL never occurs in a checked query (parse refuses control
# characters) nor in what sqlglot prints, so the mark cannot be confused with anything else.
_MARK = "\x00"
_MARKED = re.compile("\x00([^\x00]*)\x00")


class _MarkingGenerator(_BaseGenerator):
    """DuckDB's generator, printing each SourceRef as a mark around its policy name, then its alias."""

    def _source_ref(self, e: SourceRef) -> str:
        return f"{_MARK}{e.name}{_MARK} AS {self.sql(e, 'alias')}"

    TRANSFORMS = {**_BaseGenerator.TRANSFORMS, SourceRef: _source_ref}


def print_marked(tree: exp.Expr) -> str:
    """The rewritten query as DuckDB SQL with marked places for the source selects, comments dropped."""
    return _MarkingGenerator(dialect=_DUCKDB, comments=False).generate(tree)


def normalized(marked: str) -> str:
    """The query as written, normalised (comments dropped, names of CTEs and the row cap as compiled)."""
    return _MARKED.sub(lambda m: m.group(1), marked)


def duckdb_sql(marked: str, sources: dict[str, str]) -> str:
    """The SQL the sandbox runs: each mark replaced by its source select."""
    return _MARKED.sub(lambda m: f"({sources[m.group(1)]})", marked)


def expand(tree: exp.Expr, selects: dict[str, exp.Select]) -> exp.Expr:
    """A copy of the tree with real subqueries in place of SourceRefs (for other dialects, inspection)."""

    def put(node: exp.Expr) -> exp.Expr:
        if isinstance(node, SourceRef):
            return exp.Subquery(this=selects[node.name].copy(), alias=node.args.get("alias"))
        return node

    return tree.copy().transform(put, copy=False)
