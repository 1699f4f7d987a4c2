"""The 一级 category model: TF-IDF (+ optional e5 embeddings) and logistic regression.

Two variants share this class: `fast` (TF-IDF only, thousands of appeals per second) and
`accurate` (TF-IDF + cached multilingual-e5-small embeddings, ~0.2 s per new appeal).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sklearn.linear_model import LogisticRegression

from .embed import Embedder
from .features import CharFeatures, char_counts, top_terms, with_dense
from .tokenize import appeal_text, clean

VARIANTS = ("fast", "accurate")


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
    """Logistic regression over TF-IDF features, optionally with appended embeddings."""

    kind = "category"

    def __init__(self, variant: str = "fast", c: float = 20.0, embed_weight: float = 5.0) -> None:
        if variant not in VARIANTS:
            raise ValueError(f"variant must be one of {VARIANTS}, not {variant!r}")
        self.variant = variant
        self.c = c
        self.embed_weight = embed_weight if variant == "accurate" else 0.0
        self.features = CharFeatures()
        self.clf = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
        self._embedder: Embedder | None = None

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_embedder"] = None  # holds a SQLite handle and the e5 model: rebuilt on demand.
        return state

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
            emb = self.embedder().embed([embedding_text(a, b) for a, b in zip(titles, texts)])
        return with_dense(x, emb, self.embed_weight)

    def fit(self, titles: Sequence[str], texts: Sequence[str], labels: Sequence[str]) -> CategoryModel:
        """Train on appeals and their 一级 labels."""
        docs = [category_text(a, b) for a, b in zip(titles, texts)]
        x = self._matrix(titles, texts, char_counts(docs), fit=True)
        self.clf.fit(x, list(labels))
        self.features.name_columns(docs, self.clf.coef_)
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
                top_terms(x, i, self.clf.coef_[j], self.features.names, k=explain, width=self.features.width)
                if explain
                else []
            )
            out.append(CategoryPrediction(classes[j], float(proba[i, j]), terms))
        return out
