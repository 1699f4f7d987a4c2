"""The warehouse engine: one abstract base, one subclass per backend (Splink's DatabaseAPI style).

Public methods are `@final` and do the shared work (argument checks, timing, logging without
data, translating backend errors into `EngineError` once, here); a backend overrides only the
`_`-prefixed hooks. SQL is written in DuckDB dialect; a backend that speaks another dialect
transpiles it in `_execute` (sqlglot), never in callers.

    Engine (abstract)
     └── DuckDBEngine     one process, Parquet files read in place
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar, final

import pyarrow as pa

from zhongshu.core.errors import EngineError, InvalidInput, ZhongshuError

log = logging.getLogger("zhongshu.warehouse")

Params = Sequence[Any] | Mapping[str, Any] | None


def _digest(sql: str) -> str:
    """Short digest of a statement, for logs that must not carry literal values."""
    return hashlib.sha256(sql.encode()).hexdigest()[:12]


def version_paths(files: Sequence[str | os.PathLike[str]]) -> list[str]:
    """Check that a version's files exist and return them as absolute path strings."""
    if not files:
        raise InvalidInput(
            "files", "a dataset version needs at least one Parquet file", hint="load the dataset first"
        )
    out = []
    for f in files:
        p = Path(f)
        if not p.is_file():
            raise InvalidInput(
                "files",
                f"version file {p.name} is missing",
                hint="the version may have been removed; reload it",
            )
        out.append(str(p.resolve()))
    return out


class Engine(ABC):
    """Runs warehouse SQL over immutable Parquet versions; subclasses implement the hooks."""

    name: ClassVar[str] = "engine"
    dialect: ClassVar[str] = "duckdb"

    @final
    def query(self, sql: str, params: Params = None) -> pa.Table:
        """Run one SELECT and return its result as an Arrow table."""
        return self._timed("query", sql, lambda: self._execute(sql, params))

    @final
    def run(self, sql: str, params: Params = None) -> None:
        """Run one statement that returns no rows (COPY, CREATE TEMP VIEW, SET …)."""
        self._timed("run", sql, lambda: self._run(sql, params))

    @final
    def read_version(self, files: Sequence[str | os.PathLike[str]]) -> Any:
        """A lazy relation over a version's Parquet files (a DuckDB relation, a Spark DataFrame …)."""
        paths = version_paths(files)
        return self._timed("read_version", ",".join(paths), lambda: self._read_parquet(paths))

    @final
    def count(self, files: Sequence[str | os.PathLike[str]]) -> int:
        """Number of rows in a version (from Parquet metadata where the backend can)."""
        paths = version_paths(files)
        return self._timed("count", ",".join(paths), lambda: self._count(paths))

    def _timed(self, what: str, sql: str, call: Any) -> Any:
        start = time.perf_counter()
        try:
            result = call()
        except ZhongshuError:
            raise
        except Exception as exc:  # noqa: BLE001 - every backend error is translated here, once
            log.warning("%s %s %s failed: %s", self.name, what, _digest(sql), type(exc).__name__)
            raise self._translate(exc) from None
        log.debug("%s %s %s took %.1f ms", self.name, what, _digest(sql), (time.perf_counter() - start) * 1e3)
        return result

    def _translate(self, exc: Exception) -> ZhongshuError:
        """Turn a backend exception into an EngineError without its text (which may hold values)."""
        err = EngineError(f"the {self.name} engine failed ({type(exc).__name__})", hint="see the server log")
        err.engine_error_type = type(exc).__name__  # type: ignore[attr-defined]
        return err

    @abstractmethod
    def _execute(self, sql: str, params: Params) -> pa.Table:
        """Run a query and return an Arrow table."""

    @abstractmethod
    def _run(self, sql: str, params: Params) -> None:
        """Run a statement and discard any result."""

    @abstractmethod
    def _read_parquet(self, paths: list[str]) -> Any:
        """Return the backend's lazy relation over these Parquet files."""

    @abstractmethod
    def _count(self, paths: list[str]) -> int:
        """Count rows in these Parquet files."""


class DuckDBEngine(Engine):
    """DuckDB in this process; `con` is the underlying connection for in-package bulk work."""

    name = "duckdb"
    dialect = "duckdb"

    def __init__(
        self,
        *,
        memory_limit: str | None = None,
        threads: int | None = None,
        temp_directory: str | None = None,
        database: str = ":memory:",
    ) -> None:
        import duckdb

        config: dict[str, Any] = {}
        if memory_limit:
            config["memory_limit"] = memory_limit
        if threads:
            config["threads"] = threads
        if temp_directory:
            config["temp_directory"] = temp_directory
        self.con = duckdb.connect(database, config=config)

    def close(self) -> None:
        """Close the connection."""
        self.con.close()

    def __enter__(self) -> DuckDBEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _execute(self, sql: str, params: Params) -> pa.Table:
        return (
            self.con.sql(sql, params=params).to_arrow_table()
            if params
            else self.con.sql(sql).to_arrow_table()
        )

    def _run(self, sql: str, params: Params) -> None:
        self.con.execute(sql, params) if params else self.con.execute(sql)

    def _read_parquet(self, paths: list[str]) -> Any:
        return self.con.read_parquet(paths)

    def _count(self, paths: list[str]) -> int:
        row = self.con.execute("SELECT sum(num_rows) FROM parquet_file_metadata(?)", [paths]).fetchall()[0]
        return int(row[0] or 0) if row else 0
