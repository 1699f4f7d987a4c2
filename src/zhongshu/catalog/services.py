"""Catalog services: datasets and their metadata, fields and labels, search, preview, lineage.

Loading lives in `ingestion.py`, quality in `quality.py`. Every function takes the actor first and
authorizes through `ensure`; the command line, the loader and the demo act as the system actor
(`accounts.system.SYSTEM`), audited as "system".
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from zhongshu.accounts.models import Department
from zhongshu.accounts.permissions import ensure
from zhongshu.audit.services import Event, record
from zhongshu.catalog import masking, search, storage
from zhongshu.catalog.models import (
    GRADE_RANK,
    Dataset,
    DatasetField,
    Grade,
    LineageEdge,
    OpenType,
    SharingType,
    UpdateCycle,
    Version,
)
from zhongshu.core.errors import InvalidInput, NotFound
from zhongshu.ingest.labels import DEFAULT_SENSITIVITY, DETECTORS, SENSITIVITY
from zhongshu.warehouse.engine import DuckDBEngine

PREVIEW_ROWS = 20
LABELS = tuple(DETECTORS)  # the labels a field may carry: those the ingest profiler detects
# The ingest library grades in GB/T 43697 terms; our models store the English choice values.
_GRADES = {"一般": Grade.GENERAL, "重要": Grade.IMPORTANT, "核心": Grade.CORE}
EDITABLE = ("name", "category", "description", "sharing_type", "sharing_conditions", "open_type", "update_cycle",
            "grade", "level")
CHOICES = {"sharing_type": SharingType.values, "open_type": OpenType.values, "update_cycle": UpdateCycle.values,
           "grade": Grade.values}


def grade_for(label: str) -> tuple[str, int]:
    """Suggested (grade, level) for a label, from the ingest library's sensitivity table.

    Level 0 stands for 重要/核心 data, which has no level inside it.

    >>> grade_for("resident_id"), grade_for("mobile"), grade_for("")
    (('important', 0), ('general', 3), ('general', 1))
    """
    s = SENSITIVITY.get(label, DEFAULT_SENSITIVITY)
    return _GRADES[s.grade].value, s.level or 0


def department(code: str) -> Department:
    dept = Department.objects.filter(code=code).first()
    if dept is None:
        raise NotFound("department", code, hint="see `zhongshu departments` for codes")
    return dept


# --- datasets -------------------------------------------------------------------------------


def reindex(dataset: Dataset) -> None:
    """Refresh the stored search tokens of a dataset (name, description, category, fields, provider)."""
    fields = " ".join(f"{f.name} {f.description}" for f in dataset.fields.all())
    dataset.search_text = search.index_text(dataset.name, dataset.category, dataset.description, fields,
                                            dataset.department.name, dataset.code)
    Dataset.objects.filter(pk=dataset.pk).update(search_text=dataset.search_text)


def _new_code(dept: Department) -> str:
    n = Dataset.objects.filter(department=dept).count() + 1
    while True:
        code = f"{dept.code.upper()}-{n:04d}"
        if not Dataset.objects.filter(code=code).exists():
            return code
        n += 1


def create_dataset(actor: Any, *, name: str, department_code: str, **meta: Any) -> Dataset:
    """Register a dataset (metadata only; data arrives by loading versions)."""
    dept = department(department_code)
    ensure(actor, "catalog.edit", dept)
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise InvalidInput("name", "a dataset needs a name of 1–200 characters", hint="e.g. 常住人口户籍信息")
    if Dataset.objects.filter(department=dept, name=name).exists():
        raise InvalidInput("name", f"{dept} already has a dataset named {name}", hint="choose it instead, or another name")
    values = _clean_meta(meta)
    with transaction.atomic():
        ds = Dataset.objects.create(name=name, department=dept, code=meta.get("code") or _new_code(dept), **values)
        reindex(ds)
        record(actor, Event("catalog.dataset.created", "dataset", ds.code, details={"department": dept.code}))
    return ds


def find_or_create_dataset(actor: Any, name: str, department_code: str | None) -> Dataset:
    """The dataset with this name (in this department, if given), created when missing."""
    qs = Dataset.objects.filter(name=name.strip())
    if department_code:
        qs = qs.filter(department__code=department_code)
    found = list(qs[:2])
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise InvalidInput("dataset", f"several departments have a dataset named {name}",
                           hint="pass --department CODE to say which")
    if not department_code:
        if getattr(actor, "department", None) is not None:
            department_code = actor.department.code
        else:
            raise InvalidInput("department", f"dataset {name} does not exist yet and no department was given",
                               hint="pass --department CODE (e.g. gaj) to create it")
    return create_dataset(actor, name=name, department_code=department_code)


def _clean_meta(meta: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in meta.items():
        if key not in EDITABLE or value is None:
            continue
        if key in CHOICES and value not in CHOICES[key]:
            raise InvalidInput(key, f"unknown value {value!r}", hint="one of: " + ", ".join(CHOICES[key]))
        if key == "level":
            try:
                value = int(value)
            except (TypeError, ValueError):
                raise InvalidInput("level", "must be a whole number 1–4") from None
            if not 0 <= value <= 4:
                raise InvalidInput("level", "must be between 1 and 4 (0 for important/core data)")
        if key == "name":
            value = str(value).strip()
            if not value or len(value) > 200:
                raise InvalidInput("name", "a dataset needs a name of 1–200 characters")
        out[key] = value
    return out


def get_dataset(actor: Any, ref: int | str) -> Dataset:
    """A dataset by id or code (catalog.read)."""
    ensure(actor, "catalog.read")
    qs = Dataset.objects.select_related("department", "current_version")
    ds = qs.filter(pk=ref).first() if str(ref).isdigit() else None
    ds = ds or qs.filter(code=str(ref)).first()
    if ds is None:
        raise NotFound("dataset", ref)
    return ds


def versions(actor: Any, dataset: Dataset) -> list[Version]:
    """Every version of a dataset, newest last (catalog.read)."""
    ensure(actor, "catalog.read", dataset)
    return list(dataset.versions.select_related("dataset").order_by("number"))


def search_datasets(actor: Any, *, q: str = "", department: str = "", category: str = "", sharing_type: str = "",
                    grade: str = "") -> QuerySet:
    """Catalogue search: Chinese text (jieba tokens) and filters by department, category, sharing, grade."""
    ensure(actor, "catalog.read")
    qs = Dataset.objects.select_related("department", "current_version")
    if q.strip():
        qs = search.match(qs, q)
    if department:
        qs = qs.filter(department__code=department)
    if category:
        qs = qs.filter(category=category)
    if sharing_type:
        qs = qs.filter(sharing_type=sharing_type)
    if grade:
        qs = qs.filter(grade=grade)
    return qs.order_by("department__code", "name")


def facets(actor: Any) -> dict[str, list]:
    """Values the search filters offer."""
    ensure(actor, "catalog.read")
    return {
        "departments": list(Department.objects.filter(datasets__isnull=False).distinct().order_by("code")),
        "categories": sorted({c for c in Dataset.objects.values_list("category", flat=True) if c}),
        "sharing_types": SharingType.choices,
        "grades": Grade.choices,
    }


def update_metadata(actor: Any, dataset: Dataset, **changes: Any) -> Dataset:
    """Edit a dataset's core metadata (owning department's steward; audited with the changed keys)."""
    ensure(actor, "catalog.edit", dataset)
    values = _clean_meta(changes)
    if "name" in values and Dataset.objects.filter(department=dataset.department, name=values["name"]).exclude(pk=dataset.pk).exists():
        raise InvalidInput("name", f"{dataset.department} already has a dataset named {values['name']}")
    changed = [k for k, v in values.items() if getattr(dataset, k) != v]
    if not changed:
        return dataset
    with transaction.atomic():
        for k in changed:
            setattr(dataset, k, values[k])
        dataset.save()
        reindex(dataset)
        record(actor, Event("catalog.dataset.updated", "dataset", dataset.code, details={"changed": changed}))
    return dataset


def update_field(actor: Any, field: DatasetField, *, description: str | None = None, label: str | None = None,
                 grade: str | None = None, level: int | None = None, is_key: bool | None = None) -> DatasetField:
    """Describe a field, confirm or correct its label, set its grade or key flag (audited)."""
    dataset = field.dataset
    ensure(actor, "catalog.edit", dataset)
    changed: list[str] = []
    if description is not None and description != field.description:
        field.description, changed = description[:500], changed + ["description"]
    if label is not None:
        if label and label not in LABELS:
            raise InvalidInput("label", f"unknown label {label!r}", hint="one of: " + ", ".join(LABELS) + " (or empty)")
        if label != field.label or field.label_status != DatasetField.LabelStatus.CONFIRMED:
            field.label = label
            field.label_status = DatasetField.LabelStatus.CONFIRMED if label else DatasetField.LabelStatus.NONE
            changed.append("label")
            if grade is None:
                g, lv = grade_for(label)
                if GRADE_RANK[g] > GRADE_RANK[field.grade] or (g == field.grade == "general" and lv > field.level):
                    field.grade, field.level = g, lv
    if grade is not None:
        if grade not in Grade.values:
            raise InvalidInput("grade", f"unknown grade {grade!r}", hint="one of: " + ", ".join(Grade.values))
        field.grade, changed = grade, changed + ["grade"]
    if level is not None:
        field.level, changed = int(level), changed + ["level"]
    if is_key is not None and is_key != field.is_key:
        field.is_key, changed = bool(is_key), changed + ["is_key"]
    if not changed:
        return field
    with transaction.atomic():
        field.save()
        if {"label", "is_key"} & set(changed):
            from zhongshu.catalog.quality import propose_defaults

            propose_defaults(dataset)
        raise_dataset_grade(dataset)
        reindex(dataset)
        details = {"field": field.name, "changed": changed, "label": field.label}
        detected = [c.get("label") for c in field.label_candidates or [] if (c.get("share") or 0) >= masking.DETECTED_SHARE]
        if "label" in changed and detected and field.label not in detected:
            # the values still look like personal data: masking goes on; the auditor sees the override
            details["detected"] = detected
        record(actor, Event("catalog.field.updated", "dataset", dataset.code, details=details))
    return field


def raise_dataset_grade(dataset: Dataset) -> None:
    """A dataset is graded at least as high as its highest field."""
    top = (dataset.grade, dataset.level)
    for f in dataset.fields.filter(present=True):
        if GRADE_RANK[f.grade] > GRADE_RANK[top[0]] or (f.grade == top[0] and f.level > top[1]):
            top = (f.grade, f.level)
    if top != (dataset.grade, dataset.level):
        dataset.grade, dataset.level = top
        Dataset.objects.filter(pk=dataset.pk).update(grade=top[0], level=top[1])


def get_field(actor: Any, dataset: Dataset, name_or_id: str | int) -> DatasetField:
    ensure(actor, "catalog.read")
    qs = dataset.fields.all()
    f = qs.filter(pk=name_or_id).first() if str(name_or_id).isdigit() else None
    f = f or qs.filter(name=str(name_or_id)).first()
    if f is None:
        raise NotFound("field", name_or_id)
    return f


# --- preview -------------------------------------------------------------------------------


def version_files(version: Version) -> list[str]:
    return [str(storage.absolute(f.path)) for f in version.files.all()]


def preview(actor: Any, dataset: Dataset, limit: int = PREVIEW_ROWS) -> dict:
    """The first rows of the current version, masked at the source (`catalog.masking`); the read is audited."""
    decision = ensure(actor, "catalog.read", dataset)
    version = dataset.current_version
    if version is None:
        return {"columns": [], "rows": [], "masked": {}}
    with DuckDBEngine() as eng:
        table = eng.query(f"SELECT * FROM read_parquet({version_files(version)!r}) LIMIT {int(max(1, min(limit, 200)))}")
    columns = table.column_names
    raw = [[row[c] for c in columns] for row in table.to_pylist()]
    plan = masking.plan(dataset.fields.all(), columns, raw)
    rows = masking.apply(columns, raw, plan)
    record(actor, Event("catalog.preview.read", "dataset", dataset.code, details={
        "version": version.number, "rows": len(rows), "masked": sorted(plan), "policy": decision.policy_id}))
    return {"columns": columns, "rows": rows, "masked": {c: m.kind for c, m in plan.items()}}


# --- lineage -------------------------------------------------------------------------------


def add_edge(from_: tuple[str, Any, str], to: tuple[str, Any, str], relation: str = "derived_from",
             details: dict | None = None) -> LineageEdge:
    """Record that `to` was made from `from_` (each a (type, id, label) triple); other apps call this too."""
    return LineageEdge.objects.create(from_type=from_[0], from_id=str(from_[1]), from_label=from_[2][:300],
                                      to_type=to[0], to_id=str(to[1]), to_label=to[2][:300], relation=relation,
                                      details=details or {})


def lineage(actor: Any, dataset: Dataset) -> list[LineageEdge]:
    """Edges into and out of the dataset and its versions (sources → versions → derived things)."""
    ensure(actor, "catalog.read")
    version_ids = [str(v) for v in dataset.versions.values_list("pk", flat=True)]
    from django.db.models import Q

    q = Q(to_type="dataset", to_id=str(dataset.pk)) | Q(from_type="dataset", from_id=str(dataset.pk))
    if version_ids:
        q |= Q(to_type="version", to_id__in=version_ids) | Q(from_type="version", from_id__in=version_ids)
    return list(LineageEdge.objects.filter(q))
