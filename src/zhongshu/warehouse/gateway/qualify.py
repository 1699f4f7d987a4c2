"""Rule 3: resolve every table reference to a CTE or a granted table, and nothing else.

A table reference with no schema is a CTE when a CTE of that name is visible where it stands
(defined by an enclosing WITH: earlier in the same WITH list, or anywhere in a WITH of an
enclosing query); otherwise it must be the SQL name of a granted table, or the query is refused
with `unknown_table`, naming only what the caller wrote. CTEs are renamed `__zh_cte_<n>` (their
references keep the written name as alias), and each granted table becomes a `SourceRef` to the
policy's source select over the sandbox's view, `SELECT __zh_row."col", … FROM "__zh_src"."name"
AS __zh_row`, listing only granted columns — so `*` never reaches an ungranted one — and of those
only the ones the query names, unless it uses `*` or a whole row. The next rules put the row
filter and the masks into that select (see source.py).

So every table name DuckDB sees is either ours or a renamed CTE: a name the engine would resolve
differently (a catalog view such as `duckdb_settings`, a file by replacement scan) never gets there.
"""

from __future__ import annotations

from sqlglot import exp

from zhongshu.warehouse.gateway.check_allowlist import position_of, said
from zhongshu.warehouse.gateway.context import CTE_PREFIX, Context
from zhongshu.warehouse.gateway.errors import GatewayRefused
from zhongshu.warehouse.gateway.policy import TablePolicy
from zhongshu.warehouse.gateway.source import CACHE, SourceRef, bare_select, needed_columns, signature


def _visible_cte(table: exp.Table) -> exp.CTE | None:
    """The CTE a table reference names at its place in the tree, innermost first, or None."""
    name = table.name.lower()
    child: exp.Expr = table
    node = table.parent
    while node is not None:
        if isinstance(node, exp.With):
            # Inside the body of one CTE: only the CTEs listed before it are visible.
            earlier = node.expressions[: node.expressions.index(child)]
            for cte in reversed(earlier):
                if cte.alias.lower() == name:
                    return cte
        else:
            with_ = node.args.get("with_")
            if isinstance(with_, exp.With) and child is not with_:
                for cte in with_.expressions:
                    if cte.alias.lower() == name:
                        return cte
        child, node = node, node.parent
    return None


def referenced_names(tree: exp.Query) -> set[str] | None:
    """Every name the query writes (lower case), or None when it may reach columns it does not name:
    a `*`, a NATURAL join, or a table used as a value (`SELECT persons FROM persons`, a whole row)."""
    names: set[str] = set()
    sources = {t.alias_or_name.lower() for t in tree.find_all(exp.Table)}
    sources |= {s.alias.lower() for s in tree.find_all(exp.Subquery) if s.alias}
    for node in tree.walk():
        if isinstance(node, exp.Star) and not isinstance(node.parent, exp.Count):  # count(*) reads no column
            return None
        if isinstance(node, exp.Join) and str(node.args.get("method") or "").upper() == "NATURAL":
            return None
        if isinstance(node, exp.Column) and not node.table and node.name.lower() in sources:
            return None
        if isinstance(node, exp.Identifier):
            names.add(str(node.name).lower())
    return names


def output_columns(tree: exp.Query, policies: dict[str, TablePolicy]) -> tuple[str, ...] | None:
    """The result's column names when they can be told from the query alone, else None."""
    select = tree
    while isinstance(select, exp.SetOperation):
        select = select.this
    if not isinstance(select, exp.Select):
        return None
    names: list[str] = []
    for e in select.expressions:
        if isinstance(e, exp.Star):
            source = select.args.get("from_")
            table = source.this if source else None
            if any(e.args.values()) or select.args.get("joins") or not isinstance(table, exp.Table):
                return None
            if _visible_cte(table) is not None or table.name.lower() not in policies:
                return None
            names.extend(policies[table.name.lower()].columns)
        elif isinstance(e, exp.Column) and isinstance(e.this, exp.Star):
            return None
        elif e.alias_or_name:
            names.append(e.alias_or_name)
        else:
            return None
    return tuple(names)


def qualify(tree: exp.Query, ctx: Context) -> exp.Query:
    """Resolve tables to CTEs or granted tables; rename CTEs; replace tables by SourceRefs."""
    policies = {k.lower(): p for k, p in ctx.policies.items()}
    ctx.columns = output_columns(tree, policies)
    names = referenced_names(tree)
    ctes = list(tree.find_all(exp.CTE))
    for with_ in tree.find_all(exp.With):
        defined = [c.alias.lower() for c in with_.expressions]
        if len(defined) != len(set(defined)):
            raise GatewayRefused("parse_error", "a WITH clause defines the same name twice",
                                 position=position_of(with_), hint="give each CTE its own name")
    renamed = {id(cte): f"{CTE_PREFIX}{i}" for i, cte in enumerate(ctes)}

    for table in list(tree.find_all(exp.Table)):
        alias = table.args.get("alias") or exp.TableAlias(this=table.this.copy())
        cte = _visible_cte(table)
        if cte is not None:
            table.set("this", exp.to_identifier(renamed[id(cte)]))
            table.set("alias", alias)
            continue
        policy = policies.get(table.name.lower())
        if policy is None:
            raise GatewayRefused(
                "unknown_table", f"no table named {said(table.name)} is granted to you",
                position=position_of(table),
                hint="use the SQL name shown on the grant; request access to other data first",
            )
        ctx.use(policy.name)
        if policy.name not in ctx.sources:
            columns = needed_columns(policy, names)
            ctx.signatures[policy.name] = key = signature(policy, columns)
            cached = CACHE.get(key)
            if cached is None:
                ctx.sources[policy.name] = bare_select(policy, columns)
            else:
                ctx.sources[policy.name], ctx.printed[policy.name] = cached
                ctx.cached.add(policy.name)
        table.replace(SourceRef(this=exp.to_identifier(policy.name), alias=alias))

    for cte in ctes:
        old = cte.args["alias"]
        cte.set("alias", exp.TableAlias(this=exp.to_identifier(renamed[id(cte)]), columns=old.args.get("columns")))
    return tree
