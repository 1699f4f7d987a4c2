"""The 一级 category model: TF-IDF (+ optional e5 embeddings) and a linear classifier.

Two variants share this class: `fast` (TF-IDF only, thousands of appeals per second) and
`accurate` (TF-IDF + cached multilingual-e5-small embeddings, ~0.2 s per new appeal). The
accurate variant also compares each appeal with topic prototypes: the embedded descriptions of
the taxonomy's topics ("城乡建设 住房保障与房地产 物业服务"); the closest topic of each 一级 becomes a
feature and the closest topic overall an explanation. On the 395 labelled appeals this lifted
5-fold CV macro-F1 from 0.81 to 0.86 (see docs/nlp/model-card.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.linear_model import LogisticRegression

from .embed import Embedder, shared_embedder
from .features import CharFeatures, char_counts, class_coef, decide, fit_classifier, top_terms, with_dense
from .tokenize import appeal_text, clean

VARIANTS = ("fast", "accurate")
# A linear SVM with sigmoid-calibrated probabilities beat logistic regression on the n-gram
# features in 5-fold CV (fast model alone: 0.744 vs 0.726 macro-F1); it needs
# at least CALIBRATION_FOLDS examples of every class, else logistic regression is used.
SVM_C = 0.5
# Weight of the topic-similarity features (two per 一级: body and title). In CV (3 x 5 folds)
# 6: 0.848, 8: 0.859, 10: 0.859, 12: 0.864, none: 0.810; 10 sits inside the plateau.
TOPIC_WEIGHT = 10.0


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
    topic: str = ""  # the closest taxonomy topic of that 一级 (accurate variant only)


class CategoryModel:
    """A calibrated linear SVM over TF-IDF features; the accurate variant appends embeddings and
    topic similarities."""

    kind = "category"

    def __init__(
        self,
        variant: str = "fast",
        c: float = 20.0,
        embed_weight: float = 2.0,
        svm_c: float | None = SVM_C,
        topic_weight: float = TOPIC_WEIGHT,
    ) -> None:
        # `c` is logistic regression's C (used when `svm_c` is None or a class is too small to
        # calibrate the SVM); `svm_c` is the linear SVM's C.
        if variant not in VARIANTS:
            raise ValueError(f"variant must be one of {VARIANTS}, not {variant!r}")
        self.variant = variant
        self.c = c
        self.svm_c = svm_c
        self.embed_weight = embed_weight if variant == "accurate" else 0.0
        self.embed_title = True  # a second embedding of the title alone (see `_matrix`)
        self.topic_weight = topic_weight if variant == "accurate" else 0.0
        self.topic_labels: list[str] = []  # 一级 of each topic-feature column pair
        self.topic_texts: list[str] = []
        self.topic_of = np.zeros(0, dtype=np.int64)  # topic row -> index into topic_labels
        self.topic_vectors: np.ndarray | None = None
        # fast: the label is the argmax of 3 calibrated fold models' averaged probabilities;
        # accurate: one SVM fitted on all data decides, calibration only supplies the confidence
        # (averaging fold models cost the embedding model 0.01-0.02 macro-F1).
        self.single_svm = variant == "accurate"
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
        for key, value in (("topic_weight", 0.0), ("topic_labels", []), ("topic_texts", []),
                           ("topic_of", np.zeros(0, dtype=np.int64)), ("topic_vectors", None),
                           ("single_svm", False)):
            self.__dict__.setdefault(key, value)
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
            self._embedder = shared_embedder()
        return self._embedder

    def set_topics(self, topics: Sequence[tuple[str, str]]) -> None:
        """Embed the topic prototypes: (一级, description) pairs, e.g. from the taxonomy."""
        topics = [(str(a).strip(), str(b).strip()) for a, b in topics if str(a).strip() and str(b).strip()]
        if not topics:
            self.topic_vectors = None
            return
        self.topic_labels = sorted({a for a, _ in topics})
        index = {a: i for i, a in enumerate(self.topic_labels)}
        self.topic_of = np.array([index[a] for a, _ in topics], dtype=np.int64)
        self.topic_texts = [b for _, b in topics]
        self.topic_vectors = self.embedder().embed(self.topic_texts)

    def _topic_similarity(self, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(n, 一级) best cosine similarity per 一级, and (n, topics) all similarities."""
        sims = vectors @ self.topic_vectors.T
        best = np.full((len(vectors), len(self.topic_labels)), -1.0, dtype=np.float32)
        for j in range(len(self.topic_labels)):
            cols = self.topic_of == j
            best[:, j] = sims[:, cols].max(axis=1)
        return best, sims

    def _matrix(self, titles: Sequence[str], texts: Sequence[str], counts=None, fit: bool = False):
        """Feature matrix, and the appeals' topic similarities (None without topics)."""
        if counts is None:
            counts = char_counts([category_text(a, b) for a, b in zip(titles, texts)])
        x = self.features.fit(counts) if fit else self.features.transform(counts)
        if self.embed_weight <= 0:
            return x, None
        # Two vectors: title + body (clipped) and the title alone, which states the topic most
        # plainly (CV macro-F1 0.803 with both vs 0.798 with title + body only).
        body = self.embedder().embed([embedding_text(a, b) for a, b in zip(titles, texts)])
        title = self.embedder().embed([clean(a, 200) for a in titles]) if self.embed_title else None
        parts = [self.embed_weight * body] + ([self.embed_weight * title] if title is not None else [])
        sims = None
        if self.topic_vectors is not None and self.topic_weight > 0:
            best_body, sims = self._topic_similarity(body)
            parts.append(self.topic_weight * best_body)
            if title is not None:
                best_title, sims_title = self._topic_similarity(title)
                parts.append(self.topic_weight * best_title)
                sims = np.maximum(sims, sims_title)
        return with_dense(x, np.hstack(parts)), sims

    def fit(
        self,
        titles: Sequence[str],
        texts: Sequence[str],
        labels: Sequence[str],
        topics: Sequence[tuple[str, str]] | None = None,
    ) -> CategoryModel:
        """Train on appeals and their 一级 labels; `topics` = (一级, description) prototypes
        (used by the accurate variant)."""
        if self.embed_weight > 0 and topics:
            self.set_topics(topics)
        docs = [category_text(a, b) for a, b in zip(titles, texts)]
        x, _ = self._matrix(titles, texts, char_counts(docs), fit=True)
        labels = [str(v) for v in labels]
        self.clf, self.coef_ = fit_classifier(x, labels, self.svm_c, self.c, self.single_svm)
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
        x, sims = self._matrix(titles, texts, counts)
        proba = self.clf.predict_proba(x)
        best = decide(self.clf, x, proba, self.single_svm)
        classes = self.classes
        out = []
        for i, j in enumerate(best):
            terms = (
                top_terms(x, i, class_coef(self.coef_, j), self.features.names, k=explain, width=self.features.width)
                if explain
                else []
            )
            out.append(CategoryPrediction(classes[j], float(proba[i, j]), terms, self._topic(sims, i, classes[j])))
        return out

    def _topic(self, sims: np.ndarray | None, i: int, label: str) -> str:
        """The description of the topic of `label` closest to appeal `i` ("" without topics)."""
        if sims is None or label not in self.topic_labels:
            return ""
        cols = np.flatnonzero(self.topic_of == self.topic_labels.index(label))
        return self.topic_texts[int(cols[sims[i, cols].argmax()])]
