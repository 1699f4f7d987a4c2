"""Triage models as the hub's users meet them: list, read a report, roll back, retrain (nlp.manage)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from zhongshu.accounts.permissions import ensure
from zhongshu.audit.services import Event, record
from zhongshu.nlp.registry import KINDS, ModelRegistry


def registry() -> ModelRegistry:
    return ModelRegistry()


KIND_NAMES = {
    "category": _("Appeal category (fast, the default)"),
    "category_accurate": _("Appeal category (accurate, with sentence embeddings)"),
    "emotion": _("Emotion and intensity"),
    "emotion_accurate": _("Emotion and intensity (accurate, with sentence embeddings)"),
}


def list_models(actor: Any) -> list[dict]:
    """Each model kind with its versions (newest first) and which one is current."""
    ensure(actor, "nlp.manage")
    reg = registry()
    return [{"kind": kind, "name": KIND_NAMES.get(kind, kind), "current": reg.current(kind),
             "versions": [v.as_dict() for v in reversed(reg.versions(kind))]} for kind in KINDS]


def model_report(actor: Any, kind: str, version: str) -> dict:
    """The evaluation report of one version (per-class figures, confusion matrix, data sizes)."""
    ensure(actor, "nlp.manage")
    return registry().report(kind, version)


def activate(actor: Any, kind: str, version: str) -> None:
    """Make a version current (a rollback when it is older); audited."""
    ensure(actor, "nlp.manage")
    reg = registry()
    previous = reg.current(kind)
    with transaction.atomic():
        reg.activate(kind, version)
        record(actor, Event("nlp.model.activated", "model", f"{kind}/{version}",
                            details={"previous": previous or ""}))


def request_retrain(actor: Any) -> str:
    """Queue retraining from the hub's own confirmed and corrected appeals; returns the task id."""
    ensure(actor, "nlp.manage")
    with transaction.atomic():
        result = retrain_from_hub.enqueue(getattr(actor, "username", "system"))
        record(actor, Event("nlp.retrain.requested", "model", "category,emotion", details={"task": str(result.id)}))
    return str(result.id)


@task()
def retrain_from_hub(requested_by: str) -> dict[str, str]:
    """Background: train category and emotion models from the hub's appeals and make them current."""
    from zhongshu.appeals.services import training_records
    from zhongshu.core.errors import ZhongshuError
    from zhongshu.nlp.registry import train_from_records

    try:
        versions = train_from_records(list(training_records()), registry())
    except ZhongshuError as exc:  # e.g. too few confirmed appeals yet: say so in the audit log
        record(requested_by, Event("nlp.model.trained", "model", "category,emotion", "failure", exc.message[:300]))
        return {}
    record(requested_by, Event("nlp.model.trained", "model", ",".join(f"{k}/{v}" for k, v in versions.items()),
                               details={"source": "hub appeals"}))
    return versions


def evaluation_sections(report: dict, prefix: str = "") -> list[dict]:
    """Every evaluation inside a report (any nested dict with per-class figures), ready to render.

    >>> r = {"cv": {"model": {"n": 2, "macro_f1": 0.5, "per_class": {"a": {"precision": 1, "recall": 0.5,
    ...      "f1": 0.67, "support": 2}}, "confusion": {"labels": ["a"], "matrix": [[1]]}}}}
    >>> [(s["name"], s["macro_f1"], s["rows"][0]["label"], s["confusion"]) for s in evaluation_sections(r)]
    [('cv / model', 0.5, 'a', [('a', [1])])]
    """
    sections = []
    for key, value in report.items():
        if not isinstance(value, dict):
            continue
        name = f"{prefix} / {key}" if prefix else key
        if isinstance(value.get("per_class"), dict):
            confusion = value.get("confusion") or {}
            sections.append({
                "name": name, "n": value.get("n"), "macro_f1": value.get("macro_f1"),
                "accuracy": value.get("accuracy"),
                "rows": [{"label": label, **figures} for label, figures in value["per_class"].items()
                         if isinstance(figures, dict)],
                "labels": confusion.get("labels", []),
                "confusion": list(zip(confusion.get("labels", []), confusion.get("matrix", []))),
            })
        else:
            sections += evaluation_sections(value, name)
    return sections
