"""The appeal taxonomy (一级/二级 categories → default department), seeded from the shipped CSV.

The CSV (`zhongshu/nlp/data/taxonomy.csv`) is the same one the triage models are trained on, so
a model's category names always match a Category row. Codes (`C0103`) are the Open311
service_codes: level-1 and level-2 positions in the file, stable while the file only grows.
"""

from __future__ import annotations

import csv
import functools
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhongshu.accounts.models import Department
from zhongshu.accounts.permissions import ensure
from zhongshu.accounts.system import SYSTEM
from zhongshu.audit.services import Event, record


@functools.lru_cache(maxsize=1)
def shipped_rows() -> tuple[dict[str, str], ...]:
    """Rows of the shipped taxonomy with their codes: level1, level2, department, code."""
    from zhongshu.nlp.paths import PACKAGE_DATA

    rows: list[dict[str, str]] = []
    level1_index: dict[str, int] = {}
    level2_count: dict[str, int] = {}
    with open(PACKAGE_DATA / "taxonomy.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            l1 = row["level1"].strip()
            level1_index.setdefault(l1, len(level1_index) + 1)
            level2_count[l1] = level2_count.get(l1, 0) + 1
            rows.append({"level1": l1, "level2": row["level2"].strip(), "department": row["department"].strip(),
                         "code": f"C{level1_index[l1]:02d}{level2_count[l1]:02d}"})
    return tuple(rows)


def sync_categories(actor: Any) -> int:
    """Create missing categories from the shipped taxonomy; returns how many were created.

    The system actor syncs at demo setup and first intake; a person needs appeals.taxonomy.
    """
    ensure(actor, "appeals.taxonomy")
    depts = {d.code: d for d in Department.objects.all()}
    from zhongshu.appeals.models import Category

    existing = set(Category.objects.values_list("code", flat=True))
    created = 0
    with transaction.atomic():
        for row in shipped_rows():
            if row["code"] in existing:
                continue
            township = row["department"] == "township"
            Category.objects.create(
                code=row["code"], level1=row["level1"], level2=row["level2"],
                department=None if township else depts.get(row["department"]), route_to_township=township,
                description=f"{row['level1']} · {row['level2']}",
            )
            created += 1
        if created:
            record(actor, Event("appeals.taxonomy_synced", "category", "", details={
                "created": created, "at": timezone.now().isoformat()}))
    return created


def ensure_categories() -> None:
    """Seed the taxonomy once (first use on a fresh hub)."""
    from zhongshu.appeals.models import Category

    if not Category.objects.exists():
        sync_categories(SYSTEM)


def find_category(level1: str, level2: str = ""):
    """The Category named by a suggestion (level-2 wins; level-1 alone picks its first child)."""
    from zhongshu.appeals.models import Category

    qs = Category.objects.filter(active=True)
    if level2:
        found = qs.filter(level2=level2).order_by("level1" if not level1 else "code")
        if level1:
            found = found.filter(level1=level1) or qs.filter(level2=level2)
        if found:
            return found[0]
    if level1:
        return qs.filter(level1=level1).order_by("code").first()
    return None
