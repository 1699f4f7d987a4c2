"""Public API: triage a citizen appeal into category, department, emotion, urgency and priority.

Usage (models must have been trained with `zhongshu nlp train`)::

    t = Triage()                       # current models under <ZHONGSHU_DATA_DIR>/models
    t.predict("小区停水三天", "家里有老人孩子，至今没水用")
    # {'category': '城乡建设', 'department': 'zjj', 'urgency': 2, 'level': 'high', ...}
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .category import CategoryModel, CategoryPrediction
from .emotion import EmotionModel, EmotionPrediction, emotion_text
from .features import char_counts
from .priority import detect_signals, priority, urgency_level
from .registry import ModelRegistry
from .rules import match_rules
from .taxonomy import Taxonomy, department_name
from .tokenize import clean

BATCH = 256
SIGNAL_CHARS = 3000  # urgency words are searched in the first 3,000 characters.


def _as_text(value: object) -> str:
    """Any input as a string (None -> "")."""
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


class Triage:
    """Loads the current category and emotion models and triages appeals."""

    def __init__(
        self,
        models_dir: Path | str | None = None,
        accurate: bool = False,
        taxonomy: Taxonomy | Path | str | None = None,
        registry: ModelRegistry | None = None,
    ) -> None:
        self.registry = registry or ModelRegistry(models_dir)
        kind = "category_accurate" if accurate else "category"
        # The accurate emotion model is optional (its first training embeds ~30,000 posts): the
        # fast one stands in until it is trained.
        emotion_kind = "emotion_accurate" if accurate and self.registry.current("emotion_accurate") else "emotion"
        self.category: CategoryModel = self.registry.load(kind)  # type: ignore[assignment]
        self.emotion: EmotionModel = self.registry.load(emotion_kind)  # type: ignore[assignment]
        self.versions = {kind: self.registry.current(kind), emotion_kind: self.registry.current(emotion_kind)}
        self.taxonomy = taxonomy if isinstance(taxonomy, Taxonomy) else Taxonomy.load(taxonomy)

    def predict(self, title: Any, text: Any, repeat_contacts: int = 0, hours_waiting: float = 0.0) -> dict:
        """Triage one appeal (see `predict_many` for the output)."""
        item = {
            "title": title,
            "text": text,
            "repeat_contacts": repeat_contacts,
            "hours_waiting": hours_waiting,
        }
        return next(self.predict_many([item]))

    def predict_many(self, items: Iterable[dict | tuple]) -> Iterator[dict]:
        """Triage appeals given as dicts {title, text, repeat_contacts?, hours_waiting?} or tuples.

        Yields one dict per appeal: category, category_l2, department, department_name,
        category_confidence, emotion, emotion_confidence, intensity, urgency, priority, level,
        reasons (flat list, each prefixed by its part), reasons_by_part {category, emotion,
        urgency, priority}, versions {kind: version}.
        """
        batch: list[dict] = []
        for item in items:
            batch.append(self._normalise(item))
            if len(batch) == BATCH:
                yield from self._run(batch)
                batch = []
        if batch:
            yield from self._run(batch)

    @staticmethod
    def _normalise(item: dict | tuple) -> dict:
        if isinstance(item, dict):
            d = item
        else:
            d = dict(zip(("title", "text", "repeat_contacts", "hours_waiting"), item))
        return {
            "title": _as_text(d.get("title")),
            "text": _as_text(d.get("text")),
            "repeat_contacts": int(d.get("repeat_contacts") or 0),
            "hours_waiting": float(d.get("hours_waiting") or 0.0),
        }

    def _run(self, batch: list[dict]) -> Iterator[dict]:
        titles = [b["title"] for b in batch]
        texts = [b["text"] for b in batch]
        # Both models read the same text: count its character n-grams once.
        docs = [emotion_text(a, b) for a, b in zip(titles, texts)]
        counts = char_counts(docs)
        cats = self.category.predict(titles, texts, counts=counts)
        emos = self.emotion.predict(titles, texts, counts=counts, docs=docs)
        for b, c, e in zip(batch, cats, emos):
            yield self._combine(b, c, e)

    def _combine(self, b: dict, c: CategoryPrediction, e: EmotionPrediction) -> dict:
        title, body = clean(b["title"], 200), clean(b["text"], SIGNAL_CHARS)
        level1, level2, conf = c.label, None, c.confidence
        cat_reasons = [f"model: {', '.join(c.terms)}" if c.terms else "model: no strong terms"]
        if c.topic:
            cat_reasons.append(f"topic: {c.topic}")
        rule = match_rules(title, body)
        if rule and rule.overrides(conf):
            level1, level2 = rule.level1, rule.level2
            cat_reasons.insert(0, f"rule {rule.level1}/{rule.level2}: {', '.join(rule.terms)}")
        else:
            sub, hits = self.taxonomy.match_level2(level1, f"{title}。{body}")
            if sub:
                level2 = sub.level2
                cat_reasons.append(f"二级 {sub.level2}: {', '.join(hits)}")
        dept = self.taxonomy.department(level1, level2)
        signals = detect_signals(body, title)
        urgency = urgency_level(signals, title, body)
        score, level, prio_reasons = priority(
            e.label, e.intensity, signals, b["repeat_contacts"], b["hours_waiting"]
        )
        if not (title or body):
            cat_reasons = ["empty appeal: nothing to classify"]
        by_part = {
            "category": cat_reasons,
            "emotion": ([f"model: {', '.join(e.terms)}"] if e.terms else [])
            + ([f"lexicon: {', '.join(e.lexicon)}"] if e.lexicon else []),
            "urgency": [s.describe() for s in signals],
            "priority": prio_reasons,
        }
        return {
            "category": level1,
            "category_l2": level2,
            "department": dept,
            "department_name": department_name(dept),
            "category_confidence": round(conf, 4),
            "emotion": e.label,
            "emotion_confidence": round(e.confidence, 4),
            "intensity": e.intensity,
            "urgency": urgency,
            "priority": score,
            "level": level,
            "reasons": [f"{part}: {r}" for part, rs in by_part.items() for r in rs],
            "reasons_by_part": by_part,
            "versions": self.versions,
        }
