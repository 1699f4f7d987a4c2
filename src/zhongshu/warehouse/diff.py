"""Compare two versions of a dataset in DuckDB: by key (rows added, removed and changed), or, for
data without a key, as multisets of whole rows (`diff_rows`)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from zhongshu.core.errors import InvalidInput
from zhongshu.ingest.casting import quote_ident
from zhongshu.warehouse.engine import DuckDBEngine, version_paths


@dataclass
class VersionDiff:
    """Counts of keys added/removed/changed and up to N sample keys of each.

    Sample keys are values (often ID numbers): callers show them only to whoever may see the data.
    """

    old_rows: int
    new_rows: int
    added_keys: int
    removed_keys: int
    changed_keys: int
    duplicate_keys_old: int = 0
    duplicate_keys_new: int = 0
    sample_added: list[tuple] = field(default_factory=list)
    sample_removed: list[tuple] = field(default_factory=list)
    sample_changed: list[tuple] = field(default_factory=list)


def _files(paths: list[str]) -> str:
    return "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"


def _views(
    eng: DuckDBEngine,
    old_files: Sequence[str | os.PathLike[str]],
    new_files: Sequence[str | os.PathLike[str]],
) -> tuple[list[str], list[str]]:
    """Create views v_old and v_new over the two versions; return their column names."""
    columns = []
    for side, files in (("old", old_files), ("new", new_files)):
        eng.run(
            f"CREATE OR REPLACE TEMP VIEW v_{side} AS SELECT * FROM read_parquet({_files(version_paths(files))})"
        )
        columns.append([r[0] for r in eng.con.execute(f"DESCRIBE v_{side}").fetchall()])
    return columns[0], columns[1]


def diff_versions(
    old_files: Sequence[str | os.PathLike[str]],
    new_files: Sequence[str | os.PathLike[str]],
    key_columns: Sequence[str],
    *,
    samples: int = 10,
    engine: DuckDBEngine | None = None,
) -> VersionDiff:
    """Diff two versions on `key_columns`; a key is changed when its other common columns differ."""
    if not key_columns:
        raise InvalidInput(
            "key_columns",
            "at least one key column is needed",
            hint="choose the column(s) that identify a row",
        )
    eng = engine or DuckDBEngine()
    try:
        old_cols, new_cols = _views(eng, old_files, new_files)
        for side, cols in (("old", old_cols), ("new", new_cols)):
            missing = [k for k in key_columns if k not in cols]
            if missing:
                raise InvalidInput(
                    "key_columns",
                    f"key column(s) {', '.join(missing)} not in the {side} version",
                    hint="choose key columns both versions have",
                )
        keys = [quote_ident(k) for k in key_columns]
        rest = [quote_ident(c) for c in new_cols if c in old_cols and c not in key_columns]
        # Rows per key are combined order-independently, so duplicate keys still compare fairly.
        row_hash = f"hash(struct_pack({', '.join(f'{c} := {c}' for c in rest)}))" if rest else "0"
        key_list = ", ".join(keys)
        for side in ("old", "new"):
            eng.run(
                f"CREATE OR REPLACE TEMP TABLE k_{side} AS SELECT {key_list}, count(*) AS n, "
                f"bit_xor({row_hash}) AS h, sum({row_hash} % 1000003) AS s FROM v_{side} GROUP BY ALL"
            )
        on = " AND ".join(f"o.{k} IS NOT DISTINCT FROM n.{k}" for k in keys)
        sel_o = ", ".join(f"o.{k}" for k in keys)
        sel_n = ", ".join(f"n.{k}" for k in keys)
        counts = eng.con.execute(
            f"""SELECT
                (SELECT sum(n) FROM k_old), (SELECT sum(n) FROM k_new),
                count(*) FILTER (WHERE o.n IS NULL), count(*) FILTER (WHERE n.n IS NULL),
                count(*) FILTER (WHERE o.n IS NOT NULL AND n.n IS NOT NULL AND (o.h <> n.h OR o.n <> n.n OR o.s <> n.s)),
                (SELECT count(*) FROM k_old WHERE n > 1), (SELECT count(*) FROM k_new WHERE n > 1)
            FROM k_old o FULL OUTER JOIN k_new n ON {on}"""
        ).fetchall()[0]
        lim = int(samples)
        added = eng.con.execute(
            f"SELECT {sel_n} FROM k_new n ANTI JOIN k_old o ON {on} ORDER BY ALL LIMIT {lim}"
        ).fetchall()
        removed = eng.con.execute(
            f"SELECT {sel_o} FROM k_old o ANTI JOIN k_new n ON {on} ORDER BY ALL LIMIT {lim}"
        ).fetchall()
        changed = eng.con.execute(
            f"SELECT {sel_o} FROM k_old o JOIN k_new n ON {on} WHERE o.h <> n.h OR o.n <> n.n OR o.s <> n.s ORDER BY ALL LIMIT {lim}"
        ).fetchall()
        return VersionDiff(
            old_rows=int(counts[0] or 0),
            new_rows=int(counts[1] or 0),
            added_keys=counts[2],
            removed_keys=counts[3],
            changed_keys=counts[4],
            duplicate_keys_old=counts[5],
            duplicate_keys_new=counts[6],
            sample_added=added,
            sample_removed=removed,
            sample_changed=changed,
        )
    finally:
        if engine is None:
            eng.close()


@dataclass
class RowDiff:
    """Rows of the new version not in the old one (added) and the reverse (removed), duplicates counted."""

    old_rows: int
    new_rows: int
    added_rows: int
    removed_rows: int
    columns: list[str] = field(default_factory=list)


def diff_rows(
    old_files: Sequence[str | os.PathLike[str]],
    new_files: Sequence[str | os.PathLike[str]],
    *,
    engine: DuckDBEngine | None = None,
) -> RowDiff:
    """Diff two versions without a key: whole rows over their common columns (EXCEPT ALL both ways).

    A changed row counts once as removed and once as added. Values are compared as text, so a
    column retyped between versions (integer → string) does not make every row differ.
    """
    eng = engine or DuckDBEngine()
    try:
        old_cols, new_cols = _views(eng, old_files, new_files)
        common = [c for c in new_cols if c in old_cols]
        old_rows = eng.count(old_files)
        new_rows = eng.count(new_files)
        if not common:
            return RowDiff(old_rows, new_rows, new_rows, old_rows, [])
        cols = ", ".join(f"CAST({quote_ident(c)} AS VARCHAR)" for c in common)
        added, removed = eng.con.execute(
            f"SELECT (SELECT count(*) FROM (SELECT {cols} FROM v_new EXCEPT ALL SELECT {cols} FROM v_old)), "
            f"(SELECT count(*) FROM (SELECT {cols} FROM v_old EXCEPT ALL SELECT {cols} FROM v_new))"
        ).fetchall()[0]
        return RowDiff(old_rows, new_rows, int(added), int(removed), common)
    finally:
        if engine is None:
            eng.close()
