"""The county's appeal taxonomy: 一级 / 二级 categories, their departments and keywords.

The default file is `data/taxonomy.csv` (columns level1, level2, department, keywords separated
by `、`). The first 二级 row of each 一级 gives that 一级's default department (used when no 二级
can be chosen), so list the default first. A county can point to its own file. The appeals app
seeds its categories from the same file.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from .paths import PACKAGE_DATA

DEFAULT_TAXONOMY = PACKAGE_DATA / "taxonomy.csv"

def _departments() -> dict[str, str]:
    """Department codes a category may route to: the county config's bureaus, plus "township"."""
    import os

    from zhongshu.core.county import load_county

    county = load_county(os.environ.get("ZHONGSHU_COUNTY", "371122"))
    codes = {d.code: d.short_name or d.name for d in county.departments if d.kind in ("bureau", "utility")}
    return {**codes, "township": "属地乡镇（街道）"}


DEPARTMENTS: dict[str, str] = _departments()


class TaxonomyError(ValueError):
    """The taxonomy file is malformed (unknown department code, empty name)."""


@dataclass(frozen=True)
class Subcategory:
    """One 二级 category with its department and matching keywords."""

    level1: str
    level2: str
    department: str
    keywords: tuple[str, ...] = field(default=())


class Taxonomy:
    """Level-1 defaults and level-2 subcategories, each mapped to a department code."""

    def __init__(self, defaults: dict[str, str], subcategories: list[Subcategory]) -> None:
        self.defaults = defaults
        self.subcategories = subcategories

    @classmethod
    def load(cls, path: Path | str | None = None) -> Taxonomy:
        """Read a taxonomy CSV (the shipped default when `path` is None)."""
        path = Path(path) if path else DEFAULT_TAXONOMY
        defaults: dict[str, str] = {}
        subs: list[Subcategory] = []
        with open(path, encoding="utf-8-sig", newline="") as fh:
            for n, row in enumerate(csv.DictReader(fh), start=2):
                l1, l2 = row["level1"].strip(), (row.get("level2") or "").strip()
                dept = row["department"].strip()
                if dept not in DEPARTMENTS:
                    raise TaxonomyError(f"{path}:{n}: unknown department code {dept!r}")
                if not l1 or not l2:
                    raise TaxonomyError(f"{path}:{n}: level1 and level2 must not be empty")
                defaults.setdefault(l1, dept)
                kws = tuple(k for k in re.split(r"[、|,，\s]+", row.get("keywords") or "") if k)
                subs.append(Subcategory(l1, l2, dept, kws))
        return cls(defaults, subs)

    @property
    def level1_names(self) -> list[str]:
        """All 一级 names, in file order."""
        return list(self.defaults)

    def topics(self) -> list[tuple[str, str]]:
        """(一级, description) of every 二级 row: the category model's topic prototypes when no
        finer topic list is given (see `datasets.taxonomy_topics`)."""
        return [(s.level1, " ".join((s.level1, s.level2, *s.keywords))) for s in self.subcategories]

    def subcategories_of(self, level1: str) -> list[Subcategory]:
        """The 二级 categories under `level1`."""
        return [s for s in self.subcategories if s.level1 == level1]

    def department(self, level1: str, level2: str | None = None) -> str:
        """Department code for a category; level-2 mapping wins over the level-1 default."""
        if level2:
            for s in self.subcategories:
                if s.level1 == level1 and s.level2 == level2:
                    return s.department
        return self.defaults.get(level1, "township")

    def match_level2(self, level1: str, text: str) -> tuple[Subcategory | None, list[str]]:
        """The 二级 category under `level1` whose keywords occur most in `text`, and the hits."""
        best: Subcategory | None = None
        best_hits: list[str] = []
        for s in self.subcategories_of(level1):
            hits = [k for k in s.keywords if k in text]
            if len(hits) > len(best_hits):
                best, best_hits = s, hits
        return best, best_hits


def department_name(code: str) -> str:
    """Chinese name of a department code.

    >>> department_name("gdgs")
    '供电公司'
    """
    return DEPARTMENTS.get(code, code)
