"""The 一级 category model: TF-IDF (+ optional e5 embeddings) and a linear classifier.

Two variants share this class: `fast` (TF-IDF only, thousands of appeals per second) and
`accurate` (TF-IDF + cached multilingual-e5-small embeddings, ~0.2 s per new appeal).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from .embed import Embedder
from .features import CharFeatures, char_counts, top_terms, with_dense
from .tokenize import appeal_text, clean

VARIANTS = ("fast", "accurate")
# A linear SVM with sigmoid-calibrated probabilities beat logistic regression on the n-gram
# features in 5-fold CV (fast model alone: 0.744 vs 0.726 macro-F1); it needs
# at least CALIBRATION_FOLDS examples of every class, else logistic regression is used.
CALIBRATION_FOLDS = 3
SVM_C = 0.5


def category_text(title: str, text: str) -> str:
    """The text the category model reads (the same string as the emotion model's).

    >>> category_text("路灯不亮", "<p>晚上很黑</p>")
    '路灯不亮。晚上很黑'
    """
    return appeal_text(title, text)


def embedding_text(title: str, text: str) -> str:
    """The text that is embedded (title + body; the embedder clips it)."""
    return f"{clean(title, 200)}。{clean(text)}"


@dataclass
class CategoryPrediction:
    """One predicted 一级 category with its probability and the terms behind it."""

    label: str
    confidence: float
    terms: list[str] = field(default_factory=list)


class CategoryModel:
    """A calibrated linear SVM (fast) or logistic regression (accurate) over TF-IDF features,
    optionally with appended embeddings."""

    kind = "category"

    def __init__(
        self,
        variant: str = "fast",
        c: float = 20.0,
        embed_weight: float = 2.0,
        svm_c: float | None | str = "auto",
    ) -> None:
        # `c` is logistic regression's C (used when `svm_c` is None or a class is too small to
        # calibrate the SVM); `svm_c` is the linear SVM's C. "auto": the SVM for `fast`, logistic
        # regression for `accurate` (with embeddings LR scored 0.800 vs the SVM's 0.799 in CV).
        if svm_c == "auto":
            svm_c = SVM_C if variant == "fast" else None
        if variant not in VARIANTS:
            raise ValueError(f"variant must be one of {VARIANTS}, not {variant!r}")
        self.variant = variant
        self.c = c
        self.svm_c = svm_c
        self.embed_weight = embed_weight if variant == "accurate" else 0.0
        self.embed_title = True  # a second embedding of the title alone (see `_matrix`)
        self.features = CharFeatures()
        self.clf = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
        self.coef_ = np.zeros((0, 0))
        self._embedder: Embedder | None = None

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_embedder"] = None  # holds a SQLite handle and the e5 model: rebuilt on demand.
        return state

    def __setstate__(self, state: dict) -> None:
        # Models pickled before the SVM option had only logistic regression and one embedding.
        self.__dict__.update(state)
        self.__dict__.setdefault("embed_title", False)
        if "coef_" not in state:
            self.coef_ = self.clf.coef_
            self.svm_c = None

    @property
    def classes(self) -> list[str]:
        """Labels the model can predict."""
        return [str(c) for c in self.clf.classes_]

    def embedder(self) -> Embedder:
        """The (lazily created) embedder used by the accurate variant."""
        if self._embedder is None:
            self._embedder = Embedder()
        return self._embedder

    def _matrix(self, titles: Sequence[str], texts: Sequence[str], counts=None, fit: bool = False):
        if counts is None:
            counts = char_counts([category_text(a, b) for a, b in zip(titles, texts)])
        x = self.features.fit(counts) if fit else self.features.transform(counts)
        emb = None
        if self.embed_weight > 0:
            # Two vectors: title + body (clipped) and the title alone, which states the topic
            # most plainly (CV macro-F1 0.803 with both vs 0.798 with title + body only).
            # Titles are short, so the second vector costs little.
            parts = [self.embedder().embed([embedding_text(a, b) for a, b in zip(titles, texts)])]
            if self.embed_title:
                parts.append(self.embedder().embed([clean(a, 200) for a in titles]))
            emb = np.hstack(parts)
        return with_dense(x, emb, self.embed_weight)

    def fit(self, titles: Sequence[str], texts: Sequence[str], labels: Sequence[str]) -> CategoryModel:
        """Train on appeals and their 一级 labels."""
        docs = [category_text(a, b) for a, b in zip(titles, texts)]
        x = self._matrix(titles, texts, char_counts(docs), fit=True)
        labels = [str(v) for v in labels]
        smallest = min(Counter(labels).values()) if labels else 0
        if self.svm_c is not None and smallest >= CALIBRATION_FOLDS and len(set(labels)) > 2:
            self.clf = CalibratedClassifierCV(
                LinearSVC(C=self.svm_c, class_weight="balanced"), method="sigmoid", cv=CALIBRATION_FOLDS
            ).fit(x, labels)
            # Explanations: the mean weights of the calibrated SVMs (one per calibration fold).
            self.coef_ = np.mean([c.estimator.coef_ for c in self.clf.calibrated_classifiers_], axis=0)
        else:
            self.clf = LogisticRegression(C=self.c, max_iter=3000, class_weight="balanced").fit(x, labels)
            self.coef_ = self.clf.coef_
        self.features.name_columns(docs, self.coef_)
        return self

    def predict(
        self,
        titles: Sequence[str],
        texts: Sequence[str],
        explain: int = 5,
        counts=None,
    ) -> list[CategoryPrediction]:
        """Label, probability and top contributing terms; `counts` = precomputed `char_counts`."""
        if not len(titles):
            return []
        x = self._matrix(titles, texts, counts)
        proba = self.clf.predict_proba(x)
        best = proba.argmax(axis=1)
        classes = self.classes
        out = []
        for i, j in enumerate(best):
            terms = (
                top_terms(x, i, self.coef_[j], self.features.names, k=explain, width=self.features.width)
                if explain
                else []
            )
            out.append(CategoryPrediction(classes[j], float(proba[i, j]), terms))
        return out
