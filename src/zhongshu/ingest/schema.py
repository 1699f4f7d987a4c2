"""Schema drift: what changed between the fields of two versions of a dataset."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol


class _Named(Protocol):
    name: str
    type: str


@dataclass(frozen=True)
class TypeChange:
    """A column present in both versions whose type changed."""

    name: str
    old_type: str
    new_type: str


@dataclass
class SchemaDiff:
    """Columns added, removed and retyped, in the new version's (or old version's) order."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    type_changed: list[TypeChange] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        """True when the two schemas match."""
        return not (self.added or self.removed or self.type_changed)


def _pairs(fields: Iterable[_Named | tuple[str, str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for f in fields:
        name, kind = (f[0], f[1]) if isinstance(f, tuple) else (f.name, f.type)
        out[name] = kind
    return out


def diff_schemas(
    old_fields: Iterable[_Named | tuple[str, str]], new_fields: Iterable[_Named | tuple[str, str]]
) -> SchemaDiff:
    """Compare two field lists (Field, FieldSpec or (name, type) pairs) by name and type.

    >>> d = diff_schemas([("a", "integer"), ("b", "string")], [("a", "string"), ("c", "date")])
    >>> d.added, d.removed, [(t.name, t.old_type, t.new_type) for t in d.type_changed]
    (['c'], ['b'], [('a', 'integer', 'string')])
    """
    old, new = _pairs(old_fields), _pairs(new_fields)
    return SchemaDiff(
        added=[n for n in new if n not in old],
        removed=[n for n in old if n not in new],
        type_changed=[TypeChange(n, old[n], new[n]) for n in new if n in old and old[n] != new[n]],
    )
