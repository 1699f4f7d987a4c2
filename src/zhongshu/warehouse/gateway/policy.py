"""What a caller may see of one table (`TablePolicy`) and what one query may cost (`Limits`).

The sharing app builds a `TablePolicy` per granted dataset from a grant: the SQL name analysts
write, the permitted version's Parquet files, the granted columns, a mask kind per column and a
row filter. The gateway takes them as given — it makes no permission decision of its own — but
refuses a malformed one (`bad_policy`) rather than guess.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from zhongshu.warehouse.gateway.errors import GatewayRefused

# Lower-case ASCII, as the issue asks: usable unquoted in any dialect, never confusable.
SQL_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
RESERVED_PREFIX = "__zh"  # the gateway's own names in the rewritten SQL (schema, CTEs, token function)
MASK_KINDS = ("id_number", "name", "phone", "address", "birth_date", "bank_card", "token", "hide")


@dataclass(frozen=True)
class TablePolicy:
    """One granted table: its SQL name, version files, granted columns, masks and row filter."""

    name: str  # the SQL name analysts write (lower-case ASCII, unique)
    files: tuple[str, ...]  # the permitted version's Parquet files (absolute paths)
    columns: tuple[str, ...]  # the columns the grant allows (others do not exist for the caller)
    masks: Mapping[str, str] = field(default_factory=dict)  # column -> mask kind; absent = clear
    row_filter: str | None = None  # a SQL predicate (DuckDB dialect) over the table's clear columns
    grant_id: str = ""  # for error messages and audit


@dataclass(frozen=True)
class Limits:
    """What one query may cost; the sandbox enforces each."""

    max_rows: int = 10_000  # rows returned; one more is fetched to tell the caller it was truncated
    timeout_s: float = 30  # wall clock of the query in its worker (DuckDB max_execution_time, then SIGKILL)
    memory_mb: int = 1024  # DuckDB memory_limit; the worker's address space is capped a little above
    threads: int = 1  # DuckDB threads for this query
    max_result_mb: int = 64  # Arrow IPC size of the result sent back from the worker
    queue_s: float = 60  # longest wait for a free worker before answering "busy"


def _bad(policy_name: str, grant_id: str, what: str) -> GatewayRefused:
    who = f"grant {grant_id}" if grant_id else f"the policy for {policy_name!r}"
    return GatewayRefused(
        "bad_policy", f"{who} cannot be used: {what}", hint="the data steward must correct the grant"
    )


def check_policy(key: str, policy: TablePolicy) -> None:
    """Refuse a malformed policy (names, files, columns, mask kinds); the row filter is checked when compiled."""
    if policy.name != key:
        raise _bad(key, policy.grant_id, f"it is registered as {key!r} but named {policy.name!r}")
    if not SQL_NAME.match(policy.name) or policy.name.startswith(RESERVED_PREFIX):
        raise _bad(key, policy.grant_id, "its SQL name must be lower-case ASCII letters, digits and _")
    if not policy.files:
        raise _bad(key, policy.grant_id, "it names no version files")
    for f in policy.files:
        if not os.path.isabs(f) or not f.endswith(".parquet"):
            raise _bad(key, policy.grant_id, "version files must be absolute paths to .parquet files")
    if not policy.columns:
        raise _bad(key, policy.grant_id, "it grants no columns")
    seen: set[str] = set()
    for col in policy.columns:
        if not col or col.lower() in seen or "\x00" in col:
            raise _bad(key, policy.grant_id, "its column list is empty, repeated or malformed")
        seen.add(col.lower())
    for col, kind in policy.masks.items():
        if col.lower() not in seen:
            raise _bad(key, policy.grant_id, f"it masks column {col!r}, which it does not grant")
        if kind not in MASK_KINDS:
            raise _bad(key, policy.grant_id, f"unknown mask kind {kind!r} (one of: {', '.join(MASK_KINDS)})")


def check_limits(limits: Limits) -> None:
    """Refuse nonsensical limits (a programming error of the caller, said plainly)."""
    for name in ("max_rows", "timeout_s", "memory_mb", "threads", "max_result_mb", "queue_s"):
        if not getattr(limits, name) > 0:
            raise ValueError(f"Limits.{name} must be greater than 0")
