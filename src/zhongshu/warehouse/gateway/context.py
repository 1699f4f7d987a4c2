"""The state one compilation carries from rule to rule (sqlglot's optimizer passes keyword arguments; we pass this)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlglot import exp

from zhongshu.warehouse.gateway.policy import Limits, TablePolicy

DIALECT = "duckdb"  # analysts write DuckDB SQL; the tree is dialect-independent after that
SOURCE_SCHEMA = "__zh_src"  # the sandbox's views over the permitted files live here
ROW_ALIAS = "__zh_row"  # the alias of a view inside its source subquery (row filter and masks use it)
CTE_PREFIX = "__zh_cte_"
BARRIER_META = "zh_barrier"  # meta key marking a LIMIT that fences a row filter
# A LIMIT no table reaches: the optimizer cannot push the caller's predicates below it, so they
# never run on rows the row filter removes (a leaky-view defence, like PostgreSQL's security_barrier).
BARRIER_ROWS = 2**63 - 1


@dataclass
class Context:
    """Inputs of one compilation and what the rules learn on the way."""

    policies: Mapping[str, TablePolicy]
    limits: Limits
    tables: list[str] = field(default_factory=list)  # policy names used, in order of first use
    # Per policy used: its source select (see source.py), and which of them came finished from the cache.
    sources: dict[str, exp.Select] = field(default_factory=dict)
    cached: set[str] = field(default_factory=set)
    printed: dict[str, str] = field(default_factory=dict)  # DuckDB SQL of the cached ones
    signatures: dict[str, tuple] = field(default_factory=dict)  # cache key of each source select
    columns: tuple[str, ...] | None = None  # output column names, when the query alone tells them

    def use(self, name: str) -> None:
        if name not in self.tables:
            self.tables.append(name)
