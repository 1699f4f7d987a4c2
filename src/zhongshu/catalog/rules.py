"""Row scopes for the catalog: a steward edits, loads into and manages the quality of their own
department's data, and sees their own department's quality incidents.

The 大数据局 (dsj) steward acts on every department's datasets. Reading the catalogue (names,
descriptions, fields) is open to every role holding `catalog.read`: discovering data is the point.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from zhongshu.accounts.permissions import scope_rule, whole_county
from zhongshu.accounts.roles import Role

_MANAGE = ("catalog.edit", "catalog.ingest", "catalog.sources", "quality.manage")
_REASON = "the data belongs to your department"
_DENIAL = "the resource belongs to another department"


def _departmental(actor: Any) -> bool:
    return not whole_county(actor)


def _own(path: str) -> Any:
    def scope(actor: Any) -> Q:
        return Q(**{path: actor.department_id}) if actor.department_id else Q(pk__in=[])

    return scope


for _model, _path in (("catalog.Dataset", "department_id"), ("catalog.Source", "department_id"),
                      ("catalog.Incident", "department_id"), ("catalog.LoadAttempt", "dataset__department_id"),
                      ("catalog.QualityRule", "dataset__department_id"), ("catalog.Version", "dataset__department_id"),
                      ("accounts.Department", "pk")):
    scope_rule(_model, *_MANAGE, applies=_departmental, policy_id="own-department", reason=_REASON,
               denial=_DENIAL)(_own(_path))

scope_rule("catalog.Incident", "quality.read", applies=lambda a: _departmental(a) and getattr(a, "role", "") == Role.STEWARD,
           policy_id="own-department", reason=_REASON, denial=_DENIAL)(_own("department_id"))
