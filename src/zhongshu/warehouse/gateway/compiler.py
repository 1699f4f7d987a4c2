"""The policy compiler: the rules in order (sqlglot's optimizer layout), `compile` and `to_dialect`.

    parse → check_allowlist → qualify → apply_row_filters → apply_masks → cap_rows

Each rule is a module exposing one function of the same name, `rule(tree, ctx) -> tree`
(`parse` takes the text). The result, `Compiled`, carries the DuckDB SQL the sandbox runs, the
tree (print it in another dialect with `to_dialect`), the tables used, the output column names
when known, and a digest of the query for the audit log.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlglot import exp

from zhongshu.warehouse.gateway.apply_masks import apply_masks
from zhongshu.warehouse.gateway.apply_row_filters import apply_row_filters, row_filter
from zhongshu.warehouse.gateway.cap_rows import cap_rows
from zhongshu.warehouse.gateway.check_allowlist import check_allowlist
from zhongshu.warehouse.gateway.context import BARRIER_META, DIALECT, Context
from zhongshu.warehouse.gateway.parse import parse
from zhongshu.warehouse.gateway.policy import Limits, TablePolicy, check_limits, check_policy
from zhongshu.warehouse.gateway.qualify import qualify
from zhongshu.warehouse.gateway.source import (
    CACHE,
    bare_select,
    duckdb_sql,
    expand,
    normalized,
    print_marked,
    signature,
)

RULES: tuple[Callable[[Any, Context], Any], ...] = (
    parse,
    check_allowlist,
    qualify,
    apply_row_filters,
    apply_masks,
    cap_rows,
)
MIN_KEY_BYTES = 16
_INT_LIMIT = 2**31 - 1  # Spark (and others) take a 32-bit LIMIT; no granted table has more rows


@dataclass(frozen=True)
class Source:
    """What the sandbox must prepare for one used table: its view and a probe of the policy."""

    name: str
    files: tuple[str, ...]
    probe: str  # binds the granted columns and the row filter on the view (LIMIT 0): a bad grant fails here
    grant_id: str = ""


@dataclass(frozen=True)
class Compiled:
    """A checked and rewritten query, ready for the sandbox."""

    sql: str  # DuckDB SQL over the sandbox's views; holds no key
    tables: tuple[str, ...]  # SQL names of the granted tables used
    digest: str  # keyed SHA-256 (HMAC) of the normalised query (see source.normalized), for the audit log
    columns: tuple[str, ...] | None  # output column names, when the query alone tells them
    sources: tuple[Source, ...]
    uses_token: bool  # whether the sandbox must register the token function
    max_rows: int
    _tree: exp.Query = field(repr=False)  # with SourceRef nodes (see source.py)
    _selects: Mapping[str, exp.Select] = field(repr=False)  # the source select of each table used

    @functools.cached_property
    def tree(self) -> exp.Query:
        """The rewritten query as a plain sqlglot tree (source selects in place), dialect-independent."""
        return expand(self._tree, dict(self._selects))


def query_digest(normalized: str, token_key: bytes) -> str:
    """HMAC-SHA256 of the normalised query under the hub's key.

    Keyed, not a bare hash: a query can hold an ID number, and the county's ID space can be
    enumerated (rule 5), so a bare hash in the audit log would give the number away.
    """
    return hmac.new(token_key, normalized.encode(), hashlib.sha256).hexdigest()


def _probe(policy: TablePolicy) -> str:
    select = bare_select(policy)
    predicate = row_filter(policy)
    if predicate is not None:
        select = select.where(predicate, copy=False)
    return select.limit(0, copy=False).sql(dialect=DIALECT)


def compile(  # noqa: A001 - the interface's name (issue #8)
    sql: str, policies: Mapping[str, TablePolicy], *, token_key: bytes, limits: Limits
) -> Compiled:
    """Parse, check and rewrite `sql` against the caller's policies; refuse with GatewayRefused."""
    if not isinstance(token_key, bytes) or len(token_key) < MIN_KEY_BYTES:
        raise ValueError(f"token_key must be at least {MIN_KEY_BYTES} bytes (from the hub's settings)")
    check_limits(limits)
    for key, policy in policies.items():
        check_policy(key, policy)
    ctx = Context(policies=policies, limits=limits)
    tree: Any = sql
    for rule in RULES:
        tree = rule(tree, ctx)
    printed: dict[str, str] = {}
    sources = []
    for name in ctx.tables:
        policy = policies[name]
        key = ctx.signatures[name]
        printed[name] = ctx.printed[name] if name in ctx.cached else CACHE.put(key, ctx.sources[name])
        sources.append(Source(name, tuple(policy.files), _probe_cached(policy), policy.grant_id))
    used = [policies[name] for name in ctx.tables]
    marked = print_marked(tree)
    return Compiled(
        sql=duckdb_sql(marked, printed),
        tables=tuple(ctx.tables),
        digest=query_digest(normalized(marked), token_key),
        columns=ctx.columns,
        sources=tuple(sources),
        uses_token=any(kind == "token" for p in used for kind in p.masks.values()),
        max_rows=limits.max_rows,
        _tree=tree,
        _selects=dict(ctx.sources),
    )


_PROBES: dict[tuple, str] = {}


def _probe_cached(policy: TablePolicy) -> str:
    key = signature(policy, tuple(policy.columns))
    probe = _PROBES.get(key)
    if probe is None:
        if len(_PROBES) > 1024:
            _PROBES.clear()
        probe = _PROBES[key] = _probe(policy)
    return probe


def to_dialect(compiled: Compiled, dialect: str) -> str:
    """The rewritten query in another engine's dialect (e.g. "spark"): masks and filters included."""
    tree = compiled.tree
    if dialect != DIALECT:
        tree = tree.copy()
        for limit in tree.find_all(exp.Limit):
            if limit.meta.get(BARRIER_META):
                limit.set("expression", exp.Literal.number(_INT_LIMIT))
    return tree.sql(dialect=dialect, comments=False)
