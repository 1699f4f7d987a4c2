"""The values the ingest layer takes and returns: field specs, rejects, load results."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from zhongshu.core.errors import InvalidInput

FieldType = Literal["string", "integer", "decimal", "date", "timestamp", "boolean"]
FIELD_TYPES: tuple[str, ...] = ("string", "integer", "decimal", "date", "timestamp", "boolean")
Format = Literal["csv", "tsv", "xlsx", "json", "jsonl", "parquet"]

# progress(step, fraction): step is a short English word ("hash", "parse", "write" …), fraction 0..1.
Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class FieldSpec:
    """One declared column: its name, type and whether every row must have a value."""

    name: str
    type: FieldType = "string"
    required: bool = False
    scale: int | None = None  # decimal places for "decimal"; inferred from the data when None

    def __post_init__(self) -> None:
        if self.type not in FIELD_TYPES:
            raise InvalidInput(
                "columns",
                f"column {self.name!r} has unknown type {self.type!r}",
                hint=f"use one of: {', '.join(FIELD_TYPES)}",
            )


@dataclass(frozen=True)
class Field:
    """A column as loaded: name, our type name and the Parquet/DuckDB type."""

    name: str
    type: str
    sql_type: str
    nullable: bool = True


@dataclass(frozen=True)
class Reject:
    """A row that was not loaded: 1-based line in the original file, column (or ""), reason."""

    line: int
    column: str
    reason: str


@dataclass(frozen=True)
class FileInfo:
    """One written file: absolute path, size in bytes, SHA-256 hex digest."""

    path: str
    size: int
    sha256: str


@dataclass
class LoadResult:
    """What a load produced; `files` are inside the caller's out_dir and already fsynced."""

    rows: int
    rejects: list[Reject]
    fields: list[Field]
    files: list[FileInfo]
    source_sha256: str
    encoding: str | None
    format: str
    total_rows: int = 0  # rows read, loaded or rejected
    warnings: list[str] = field(default_factory=list)

    @property
    def reject_count(self) -> int:
        """Number of rejected rows (a row with several problems counts once)."""
        return len({r.line for r in self.rejects})


class LoadFailed(InvalidInput):
    """Too many rows were rejected; carries the rejects so the user can download the report."""

    code = "load_failed"

    def __init__(
        self,
        rejects: list[Reject],
        total_rows: int,
        threshold: float,
        *,
        source: str = "",
        bad_rows: int | None = None,
    ) -> None:
        bad = bad_rows if bad_rows is not None else len({r.line for r in rejects})
        share = bad / total_rows if total_rows else 1.0
        first = rejects[0] if rejects else None
        where = f"; first at line {first.line}, column {first.column or '-'}: {first.reason}" if first else ""
        super().__init__(
            "file",
            f"{source + ': ' if source else ''}{bad} of {total_rows} rows rejected "
            f"({share:.1%}, limit {threshold:.1%}){where}",
            hint="download the rejects report, fix those rows (or the declared column types) and load again",
        )
        self.rejects = rejects
        self.bad_rows = bad
        self.total_rows = total_rows
        self.threshold = threshold
