"""The gateway's two errors: a query refused before it runs, and a query that failed while running.

    ZhongshuError
     ├── GatewayRefused(code, message, position)   the compiler said no; nothing was executed
     └── GatewayError(code, message)               the sandbox worker failed, timed out or ran out of memory

Messages are plain words that never echo a literal from the query (they may name what the caller
wrote as an identifier: a table, a column, a function) and never carry the engine's own text,
which can contain values. `code` is stable for programs; `message` is for people.
"""

from __future__ import annotations

from zhongshu.core.errors import ZhongshuError

# Refusal codes (GatewayRefused.code): what the compiler can say no to.
REFUSAL_CODES = (
    "parse_error",  # not valid SQL, or a character that has no place in a query
    "too_large",  # the query text, a literal or the tree is bigger than the compiler takes
    "too_many_statements",  # more than one statement
    "not_select",  # a statement other than SELECT / UNION / WITH … SELECT
    "placeholder",  # ?, $1, $name: the gateway takes no parameters
    "forbidden_node",  # a construct outside the allowlist (PIVOT, LATERAL, lambdas, SAMPLE …)
    "forbidden_function",  # a function outside the allowlist (table functions, catalog, settings …)
    "bounded_argument",  # repeat()/lpad() etc. with a size that is not a small literal
    "recursive_cte",  # WITH RECURSIVE
    "reserved_name",  # an identifier in the gateway's own namespace
    "qualified_name",  # schema or catalog qualifiers on a table
    "unknown_table",  # a table the caller has no grant for (or that does not exist)
    "bad_policy",  # a grant's policy is malformed (row filter, mask kind, column list)
)

# Execution codes (GatewayError.code).
ERROR_CODES = ("timeout", "memory_limit", "result_too_large", "query_failed", "policy_error", "busy")


class GatewayRefused(ZhongshuError):
    """The query was refused before any engine saw it."""

    status = 400

    def __init__(
        self, code: str, message: str, *, position: tuple[int, int] | None = None, hint: str = ""
    ) -> None:
        where = f" (line {position[0]}, column {position[1]})" if position else ""
        super().__init__(message + where, hint=hint)
        self.code = code
        self.position = position

    def as_dict(self) -> dict:
        out = super().as_dict()
        if self.position:
            out["position"] = {"line": self.position[0], "column": self.position[1]}
        return out


class GatewayError(ZhongshuError):
    """The query was accepted but failed while running; the engine's own text stays in the worker."""

    status = 422

    def __init__(self, code: str, message: str, *, hint: str = "", error_type: str = "") -> None:
        super().__init__(message, hint=hint)
        self.code = code
        self.error_type = error_type  # the engine's exception class name, for logs; never its text
