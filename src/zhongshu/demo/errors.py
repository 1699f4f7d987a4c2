"""Error injection for department files, and the ground truth that records every injected error.

Kinds (``KINDS``), each one row in ``ground_truth.csv``:

- ``name_typo``: one character of a name replaced by a homophone or look-alike (伟→玮).
- ``id_transposed``: two adjacent digits of an ID number swapped (the check usually fails).
- ``id_missing``: the ID number left empty.
- ``stale_address``: the person moved township; the department still has the old address.
- ``deceased_receiving_subsidy``: a 死亡 person's subsidy still 在发 (started before the death).
- ``deregistered_paying_insurance``: payments recorded after the employer's 注销 date.
- ``duplicate_record``: the same person twice in one file, sometimes with a small difference.

``row`` in the ground truth is the 1-based data row within its table or sheet (header not
counted), i.e. ``pandas.read_*`` index + 1; ``entity_key`` is the registry key of the person
(``person_id``), the enterprise (USCC) or the facility the record describes.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from zhongshu.demo.names import homophone_typo, transpose_adjacent

__all__ = ["KINDS", "GROUND_TRUTH_HEADER", "ErrorLog", "Table"]

KINDS = (
    "name_typo",
    "id_transposed",
    "id_missing",
    "stale_address",
    "deceased_receiving_subsidy",
    "deregistered_paying_insurance",
    "duplicate_record",
)
GROUND_TRUTH_HEADER = (
    "error_id",
    "kind",
    "file",
    "table",
    "row",
    "entity_key",
    "field",
    "true_value",
    "recorded_value",
    "note",
)


@dataclass
class Table:
    """Rows of one table or sheet as they will be written, plus the registry key of each row."""

    file: str
    name: str
    header: list[str]
    rows: list[list] = field(default_factory=list)
    entity: list[str] = field(default_factory=list)  # registry key per row
    person: list[int] = field(default_factory=list)  # person index per row (-1 if not a person)
    _dups: list[tuple[int, list, float]] = field(default_factory=list)

    def col(self, name: str) -> int:
        """Index of a header column."""
        return self.header.index(name)

    def append(self, row: list, entity: str, person: int = -1) -> None:
        """Add one record."""
        self.rows.append(row)
        self.entity.append(entity)
        self.person.append(person)

    def add_duplicate(self, i: int, row: list, offset: float) -> None:
        """Queue a copy of row ``i`` to be placed ``offset`` rows after it by :meth:`finalize`."""
        self._dups.append((i, row, offset))

    def finalize(self) -> None:
        """Place queued duplicates among the rows (deterministic order)."""
        if not self._dups:
            return
        n = len(self.rows)
        keys = np.concatenate((np.arange(n, dtype=float), [i + off for i, _, off in self._dups]))
        order = np.argsort(keys, kind="stable")
        rows = self.rows + [r for _, r, _ in self._dups]
        entity = self.entity + [self.entity[i] for i, _, _ in self._dups]
        person = self.person + [self.person[i] for i, _, _ in self._dups]
        self.rows = [rows[k] for k in order]
        self.entity = [entity[k] for k in order]
        self.person = [person[k] for k in order]
        self._dups = []


@dataclass
class _Injected:
    kind: str
    table: Table
    row: list  # the row object: its final position is resolved after duplicates are placed
    field: str
    true_value: str
    recorded_value: str
    entity_key: str
    note: str = ""
    original: list | None = None  # for duplicates: the row that was copied


class ErrorLog:
    """Chooses rows to corrupt (each row at most once), applies the change and remembers it."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.errors: list[_Injected] = []
        self._used: dict[int, set[int]] = {}

    def pick(self, table: Table, rate: float, eligible: np.ndarray | None = None) -> list[int]:
        """Choose about ``rate`` of the table's rows (at least one) among eligible, unused rows."""
        used = self._used.setdefault(id(table), set())
        candidates = np.arange(len(table.rows)) if eligible is None else np.asarray(eligible)
        candidates = np.array([i for i in candidates.tolist() if i not in used], dtype=np.int64)
        if not len(candidates):
            return []
        k = min(len(candidates), max(1, round(rate * len(table.rows))))
        chosen = np.sort(self.rng.choice(candidates, size=k, replace=False)).tolist()
        used.update(chosen)
        return chosen

    def _log(self, kind: str, table: Table, i: int, field: str, true: str, rec: str, note: str = "") -> None:
        table.rows[i][table.col(field)] = rec
        self.errors.append(_Injected(kind, table, table.rows[i], field, true, rec, table.entity[i], note))

    def name_typo(self, table: Table, rate: float, field: str) -> None:
        """Replace one character of ``field`` with a homophone."""
        c = table.col(field)
        for i in self.pick(table, rate):
            true = table.rows[i][c]
            typo = homophone_typo(true, int(self.rng.integers(0, 4)))
            if typo:
                self._log("name_typo", table, i, field, true, typo)

    def id_transposed(self, table: Table, rate: float, field: str) -> None:
        """Swap two adjacent digits of the ID number in ``field``."""
        c = table.col(field)
        for i in self.pick(table, rate):
            true = table.rows[i][c]
            swapped = transpose_adjacent(true, int(self.rng.integers(0, 16)))
            if swapped:
                self._log("id_transposed", table, i, field, true, swapped)

    def id_missing(self, table: Table, rate: float, field: str) -> None:
        """Blank the ID number in ``field``."""
        c = table.col(field)
        for i in self.pick(table, rate):
            self._log("id_missing", table, i, field, table.rows[i][c], "")

    def stale_address(
        self,
        table: Table,
        rate: float,
        field: str,
        old_address: dict[int, str],
        township_field: str | None = None,
    ) -> None:
        """Put the pre-move address back for persons who moved township."""
        movers = [i for i, p in enumerate(table.person) if p in old_address]
        c = table.col(field)
        for i in self.pick(table, rate, np.array(movers, dtype=np.int64)):
            old = old_address[table.person[i]]
            note = ""
            if township_field:
                t = table.col(township_field)
                new_town = table.rows[i][t]
                table.rows[i][t] = _township_of(old)
                note = f"{township_field} also shows the old township (true: {new_town})"
            self._log("stale_address", table, i, field, table.rows[i][c], old, note)

    def change(self, kind: str, table: Table, rows: list[int], field: str, values: list[str]) -> None:
        """Record a domain-specific corruption: set ``field`` of ``rows`` to ``values``."""
        c = table.col(field)
        for i, rec in zip(rows, values):
            self._log(kind, table, i, field, table.rows[i][c], rec)

    def duplicate(self, table: Table, rate: float, key_field: str, vary_field: str | None = None) -> None:
        """Copy rows a few places further on; optionally blank ``vary_field`` in the copy."""
        for i in self.pick(table, rate):
            copy = list(table.rows[i])
            note = f"duplicate of row with {key_field}={table.rows[i][table.col(key_field)]}"
            if vary_field and copy[table.col(vary_field)]:
                copy[table.col(vary_field)] = ""
                note += f"; {vary_field} empty in the copy"
            table.add_duplicate(i, copy, float(self.rng.integers(1, 30)) + 0.5)
            key = copy[table.col(key_field)]
            self.errors.append(
                _Injected(
                    "duplicate_record",
                    table,
                    copy,
                    key_field,
                    "",
                    key,
                    table.entity[i],
                    note,
                    original=table.rows[i],
                )
            )

    def counts(self) -> dict[str, int]:
        """Number of injected errors per kind (every kind listed, zeros included)."""
        out = dict.fromkeys(KINDS, 0)
        for e in self.errors:
            out[e.kind] += 1
        return out

    def write(self, path: Path) -> int:
        """Write ``ground_truth.csv``; call after every table is finalized. Returns the row count."""
        positions: dict[int, dict[int, int]] = {}
        for e in self.errors:
            if id(e.table) not in positions:
                positions[id(e.table)] = {id(r): k for k, r in enumerate(e.table.rows)}
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(GROUND_TRUTH_HEADER)
            for n, e in enumerate(self.errors, start=1):
                pos = positions[id(e.table)]
                row = pos[id(e.row)] + 1
                note = e.note
                if e.original is not None:
                    note = f"{note}; original at row {pos[id(e.original)] + 1}"
                w.writerow(
                    (
                        f"E{n:06d}",
                        e.kind,
                        e.table.file,
                        e.table.name,
                        row,
                        e.entity_key,
                        e.field,
                        e.true_value,
                        e.recorded_value,
                        note,
                    )
                )
        return len(self.errors)


def _township_of(address: str) -> str:
    """The township name inside a 山东省日照市莒县… address.

    >>> _township_of("山东省日照市莒县招贤镇东王庄村5组3号")
    '招贤镇'
    """
    rest = address.split("莒县", 1)[-1]
    for end in ("街道", "开发区", "镇", "乡"):
        k = rest.find(end)
        if k >= 0:
            return rest[: k + len(end)]
    return ""
