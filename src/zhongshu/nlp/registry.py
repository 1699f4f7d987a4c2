"""Versioned model storage: `<models>/<kind>/<version>/` with a `current` pointer per kind.

Each version directory holds `model.joblib` (the fitted sklearn-based model), `report.json`
(per-class precision/recall/F1, confusion matrix, dataset sizes, training sources) and
`MODEL_CARD.md` (copied from docs/nlp/model-card.md). `<kind>/current` is a one-line text file
naming the active version, so activating an older version is a rollback.

Loading a joblib file runs pickled code: the models directory must be writable only by the hub.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import joblib

from zhongshu.core.errors import InvalidInput, NotFound

from .paths import REPO_ROOT, default_models_dir

KINDS = ("category", "category_accurate", "emotion", "emotion_accurate")
MODEL_FILE = "model.joblib"
REPORT_FILE = "report.json"
CARD_FILE = "MODEL_CARD.md"
MODEL_CARD_SOURCE = REPO_ROOT / "docs" / "nlp" / "model-card.md"
_VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$")
TRAIN_HINT = "run `zhongshu nlp train` first"


@dataclass(frozen=True)
class ModelVersion:
    """One stored version of a model kind."""

    kind: str
    version: str
    path: Path
    current: bool
    headline: dict

    def as_dict(self) -> dict:
        """JSON-ready summary."""
        return {
            "kind": self.kind,
            "version": self.version,
            "current": self.current,
            "path": str(self.path),
            "headline": self.headline,
        }


def _check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise InvalidInput("kind", f"unknown model kind {kind!r}", hint=f"choose one of {', '.join(KINDS)}")
    return kind


class ModelRegistry:
    """Saves, lists, loads and activates model versions under one models directory."""

    def __init__(self, root: Path | str | None = None) -> None:
        self.root = Path(root) if root else default_models_dir()

    def _kind_dir(self, kind: str) -> Path:
        return self.root / _check_kind(kind)

    def _new_version(self, kind: str) -> str:
        base = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        version, n = base, 1
        while (self._kind_dir(kind) / version).exists():
            n += 1
            version = f"{base}-{n}"
        return version

    def save(self, kind: str, model: object, report: dict, activate: bool = True) -> str:
        """Store a model with its report and model card; make it current unless told not to."""
        version = self._new_version(kind)
        final = self._kind_dir(kind) / version
        tmp = final.with_name(f".{version}.tmp")
        tmp.mkdir(parents=True)
        joblib.dump(model, tmp / MODEL_FILE, compress=3)
        report = {**report, "kind": kind, "version": version}
        (tmp / REPORT_FILE).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
        card = MODEL_CARD_SOURCE.read_text(encoding="utf-8") if MODEL_CARD_SOURCE.exists() else ""
        (tmp / CARD_FILE).write_text(card + _figures_section(report), encoding="utf-8")
        tmp.rename(final)  # a version directory appears complete or not at all.
        if activate:
            self.activate(kind, version)
        return version

    def current(self, kind: str) -> str | None:
        """The active version of `kind`, or None when nothing was trained yet."""
        pointer = self._kind_dir(kind) / "current"
        if not pointer.exists():
            return None
        version = pointer.read_text(encoding="utf-8").strip()
        return version or None

    def activate(self, kind: str, version: str) -> None:
        """Make `version` the current one (this is also how to roll back)."""
        if not _VERSION.match(version) or not (self._kind_dir(kind) / version / MODEL_FILE).exists():
            raise NotFound(
                "model version",
                f"{kind}/{version}",
                hint=f"list versions with `zhongshu nlp models --kind {kind}`",
            )
        pointer = self._kind_dir(kind) / "current"
        tmp = pointer.with_name(".current.tmp")
        tmp.write_text(version + "\n", encoding="utf-8")
        os.replace(tmp, pointer)  # atomic: readers never see a half-written pointer.

    def versions(self, kind: str) -> list[ModelVersion]:
        """Stored versions of `kind`, oldest first."""
        kdir = self._kind_dir(kind)
        if not kdir.exists():
            return []
        cur = self.current(kind)
        out = []
        for d in sorted(p for p in kdir.iterdir() if p.is_dir() and not p.name.startswith(".")):
            try:
                headline = json.loads((d / REPORT_FILE).read_text(encoding="utf-8")).get("headline", {})
            except (OSError, ValueError):
                headline = {}
            out.append(ModelVersion(kind, d.name, d, d.name == cur, headline))
        return out

    def _resolve(self, kind: str, version: str | None) -> Path:
        version = version or self.current(kind)
        if version is None:
            raise NotFound("trained model", kind, hint=TRAIN_HINT)
        path = self._kind_dir(kind) / version
        if not _VERSION.match(version) or not (path / MODEL_FILE).exists():
            raise NotFound("model version", f"{kind}/{version}", hint=TRAIN_HINT)
        return path

    def load(self, kind: str, version: str | None = None) -> object:
        """The model object of a version (the current one by default)."""
        return joblib.load(self._resolve(kind, version) / MODEL_FILE)

    def report(self, kind: str, version: str | None = None) -> dict:
        """The stored report of a version (the current one by default)."""
        return json.loads((self._resolve(kind, version) / REPORT_FILE).read_text(encoding="utf-8"))


def _figures_section(report: dict) -> str:
    head = report.get("headline", {})
    return (
        f"\n\n## This version\n\n- kind: `{report.get('kind')}`, version `{report.get('version')}`\n"
        f"- {head.get('metric', 'headline')}: {head.get('value')} (target {head.get('target')})\n"
        f"- dataset: `{json.dumps(report.get('dataset', {}), ensure_ascii=False)}`\n"
        f"- sources: {', '.join(report.get('sources', []))}\n"
        "- full figures: `report.json` in this directory\n"
    )


def train_from_records(
    records: Iterable[dict],
    registry: ModelRegistry | None = None,
    include_weibo: bool = True,
    progress: Callable[[str], None] | None = None,
    activate: bool = True,
) -> dict[str, str]:
    """Retrain from the hub's own corrected appeals; returns {kind: new version}.

    Records are dicts {title, text, category?, emotion?, intensity?, urgency?}. Categories may use
    any 一级 names of the county taxonomy. Emotion training adds the Weibo sets when they are
    available and `include_weibo` is true.
    """
    from . import datasets as ds
    from .train import records_to_examples, train_category, train_emotion

    registry = registry or ModelRegistry()
    say = progress or (lambda _: None)
    cats, emos = records_to_examples(records)
    out: dict[str, str] = {}
    if cats:
        if len({e.label for e in cats}) < 2:
            raise InvalidInput("records", "category training needs at least two categories")
        model, report = train_category(cats, "fast", progress=say, sources=("hub records",))
        out["category"] = registry.save("category", model, report, activate)
    if emos:
        weibo: list = []
        if include_weibo:
            try:
                weibo = ds.weibo_emotion()
            except NotFound:
                say("  Weibo emotion sets not found; training on hub records only")
        model, report = train_emotion(weibo, emos, progress=say)
        out["emotion"] = registry.save("emotion", model, report, activate)
    if not out:
        raise InvalidInput("records", "no record has a category or an emotion label")
    return out
