"""What one load may cost: sizes, columns, cells, rows, JSON nesting, memory and threads.

A file past a limit is refused before the expensive step it would blow up (XLSX parts are checked
from the zip directory before any XML is parsed, Parquet from its footer before any page is read),
with `LimitExceeded`: which limit, the value found, and how to fix it (split the file, or raise
the setting named). The hub reads the limits from its settings (`catalog.ingestion.load_limits`);
the defaults here are the documented defaults of those settings (docs/configuration.md), so the
library used on its own behaves the same.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from zhongshu.core.errors import InvalidInput

MB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """Per-load limits; sizes in bytes. Field names match the settings in `SETTINGS`."""

    max_upload_bytes: int = 1024 * MB
    max_uncompressed_bytes: int = 1024 * MB  # one part of a zip (XLSX) and all parts together
    max_compression_ratio: int = 100  # uncompressed / compressed, per part of a zip or Parquet column
    max_columns: int = 1000
    max_cell_bytes: int = 1 * MB
    max_rows: int = 50_000_000
    max_json_depth: int = 32
    max_json_record_bytes: int = 16 * MB
    memory_bytes: int = 8192 * MB  # address space of the loading process (RLIMIT_AS)
    threads: int = 2  # DuckDB threads inside the loading process

    @property
    def duckdb_memory(self) -> str:
        """DuckDB's own memory limit: half the process limit, so it spills to disk before the OS refuses."""
        return f"{max(self.memory_bytes // 2 // MB, 64)}MB"

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


# The setting that holds each limit, and its unit (how `Limits` is built from settings and how an
# error tells the user what to raise).
SETTINGS: dict[str, tuple[str, int]] = {
    "max_upload_bytes": ("ZHONGSHU_LOAD_MAX_FILE_MB", MB),
    "max_uncompressed_bytes": ("ZHONGSHU_LOAD_MAX_UNCOMPRESSED_MB", MB),
    "max_compression_ratio": ("ZHONGSHU_LOAD_MAX_COMPRESSION_RATIO", 1),
    "max_columns": ("ZHONGSHU_LOAD_MAX_COLUMNS", 1),
    "max_cell_bytes": ("ZHONGSHU_LOAD_MAX_CELL_KB", 1 << 10),
    "max_rows": ("ZHONGSHU_LOAD_MAX_ROWS", 1),
    "max_json_depth": ("ZHONGSHU_LOAD_MAX_JSON_DEPTH", 1),
    "max_json_record_bytes": ("ZHONGSHU_LOAD_MAX_JSON_RECORD_MB", MB),
    "memory_bytes": ("ZHONGSHU_LOAD_MEMORY_MB", MB),
    "threads": ("ZHONGSHU_LOAD_THREADS", 1),
}


def from_settings(values: dict[str, int | None]) -> Limits:
    """Limits from setting values keyed by setting name (missing or None: the default).

    >>> from_settings({"ZHONGSHU_LOAD_MAX_CELL_KB": 64}).max_cell_bytes
    65536
    """
    kwargs = {}
    for field_name, (setting, unit) in SETTINGS.items():
        value = values.get(setting)
        if value is not None:
            kwargs[field_name] = int(value) * unit
    return Limits(**kwargs)


def size_text(n: int) -> str:
    """A byte count for people.

    >>> size_text(205 * 1024), size_text(200 * MB), size_text(8192 * MB), size_text(12)
    ('205 KB', '200.0 MB', '8.0 GB', '12 bytes')
    """
    if n >= 1024 * MB:
        return f"{n / (1024 * MB):.1f} GB"
    if n >= MB:
        return f"{n / MB:.1f} MB"
    if n >= 1024:
        return f"{n // 1024} KB"
    return f"{n} bytes"


class LimitExceeded(InvalidInput):
    """A file (or a part of it) is past one of the load limits; names the setting to raise."""

    code = "limit_exceeded"

    def __init__(self, field: str, reason: str, *, setting: str, hint: str = "") -> None:
        how = hint or "split the file into smaller files"
        super().__init__(field, reason, hint=f"{how}, or ask the administrator to raise {setting}")
        self.setting = setting


def setting_of(field_name: str) -> str:
    return SETTINGS[field_name][0]


def refuse(
    field: str, what: str, found: str | None, limit: str, field_name: str, *, hint: str = ""
) -> LimitExceeded:
    """The error for one value past one limit: `what` is `found`, over the limit of `limit` (SETTING).

    >>> refuse("columns", "a.csv line 1: the number of columns", "10000", "1000", "max_columns").message
    'columns: a.csv line 1: the number of columns is 10000, over the limit of 1000 (ZHONGSHU_LOAD_MAX_COLUMNS)'
    """
    setting = setting_of(field_name)
    value = f" is {found}," if found is not None else " is"
    return LimitExceeded(field, f"{what}{value} over the limit of {limit} ({setting})", setting=setting, hint=hint)
