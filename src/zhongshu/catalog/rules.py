"""Resource rules: a steward edits, loads into and manages quality of their own department's data.

The 大数据局 (dsj) steward may act on every department's datasets (`same_department`).
"""

from __future__ import annotations

from typing import Any

from zhongshu.accounts.permissions import Decision, resource_rule, same_department


def _department_id(resource: Any) -> int | None | bool:
    """The owning department of a catalog object, or False when the resource is not ours."""
    from zhongshu.accounts.models import Department
    from zhongshu.catalog.models import Dataset, Incident, LoadAttempt, QualityRule, Source, Version

    if isinstance(resource, (Dataset, Source, Incident)):
        return resource.department_id
    if isinstance(resource, (LoadAttempt, QualityRule, Version)):
        return resource.dataset.department_id
    if isinstance(resource, Department):
        return resource.pk
    return False


@resource_rule("catalog.edit", "catalog.ingest", "catalog.sources", "quality.manage")
def own_department(actor: Any, resource: Any) -> Decision | None:
    dept = _department_id(resource)
    if dept is False:
        return None
    return same_department(actor, dept)  # type: ignore[arg-type]
