"""Rule 1: text → one sqlglot tree of a single SELECT (or UNION/INTERSECT/EXCEPT, with or without WITH).

The compiler never passes the caller's text on: DuckDB only ever sees SQL that sqlglot printed
from the checked and rewritten tree. Refusals say where (line, column) but not what was written,
since sqlglot's own messages quote the query (and so its literals).
"""

from __future__ import annotations

import logging
import unicodedata

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from zhongshu.warehouse.gateway.allowlist import MAX_SQL_CHARS
from zhongshu.warehouse.gateway.context import DIALECT, Context
from zhongshu.warehouse.gateway.errors import GatewayRefused

_ALLOWED_CONTROL = {"\t", "\n", "\r"}
# sqlglot warns about statements it parses only as a `Command` by quoting them, and a query can
# hold personal data: keep its warnings out of the hub's logs (errors still get through).
logging.getLogger("sqlglot").setLevel(logging.ERROR)


def _position(sql: str, index: int) -> tuple[int, int]:
    """1-based (line, column) of a character offset.

    >>> _position("SELECT 1\\nFROM x", 10)
    (2, 2)
    """
    line = sql.count("\n", 0, index) + 1
    return line, index - (sql.rfind("\n", 0, index) + 1) + 1


def _check_characters(sql: str) -> None:
    for i, ch in enumerate(sql):
        if ch in _ALLOWED_CONTROL:
            continue
        if unicodedata.category(ch) in ("Cc", "Cs"):
            raise GatewayRefused(
                "parse_error",
                "the query contains a control character or an invalid character",
                position=_position(sql, i),
                hint="retype the query as plain text",
            )


def parse(sql: str, ctx: Context) -> exp.Query:
    """Parse `sql` as exactly one query statement, or refuse it."""
    if not isinstance(sql, str) or not sql.strip():
        raise GatewayRefused("parse_error", "the query is empty", hint="write one SELECT statement")
    if len(sql) > MAX_SQL_CHARS:
        raise GatewayRefused(
            "too_large", f"the query is longer than {MAX_SQL_CHARS:,} characters", hint="shorten it"
        )
    _check_characters(sql)
    try:
        statements = [s for s in sqlglot.parse(sql, read=DIALECT) if s is not None]
    except ParseError as exc:
        first = exc.errors[0] if exc.errors else {}
        line, col = first.get("line"), first.get("col")
        raise GatewayRefused(
            "parse_error",
            "the query is not valid SQL",
            position=(line, col) if line and col else None,
            hint="check the SQL near that position (DuckDB dialect)",
        ) from None
    except TokenError:
        raise GatewayRefused(
            "parse_error", "the query is not valid SQL: a quote or comment is not closed",
            hint="close every string with ' and every /* comment with */",
        ) from None
    except RecursionError:
        raise GatewayRefused("too_large", "the query is nested too deeply", hint="simplify it") from None
    except Exception:  # noqa: BLE001 - sqlglot may fail on odd input in other ways: still a parse error
        raise GatewayRefused("parse_error", "the query is not valid SQL", hint="check the SQL") from None
    if not statements:
        raise GatewayRefused("parse_error", "the query is empty", hint="write one SELECT statement")
    if len(statements) > 1:
        raise GatewayRefused(
            "too_many_statements",
            f"the query holds {len(statements)} statements; the gateway runs exactly one",
            hint="remove the semicolon and what follows it",
        )
    tree = statements[0]
    # `(SELECT …)` on its own is the query inside the parentheses.
    while isinstance(tree, exp.Subquery) and set(k for k, v in tree.args.items() if v) == {"this"}:
        tree = tree.this
    if not isinstance(tree, (exp.Select, exp.SetOperation)):
        kind = tree.this if isinstance(tree, exp.Command) and isinstance(tree.this, str) else tree.key
        kind = kind.upper() if kind.isascii() and kind.isalpha() and len(kind) <= 20 else "this statement"
        raise GatewayRefused(
            "not_select",
            f"only SELECT queries are allowed, not {kind}",
            hint="the gateway reads data; it does not change settings, files or tables",
        )
    tree.parent = None
    return tree
