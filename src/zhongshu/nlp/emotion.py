"""The emotion model (angry / anxious / sad / neutral / positive) and the intensity rule.

Trained on Weibo posts (labels mapped in `datasets.EMOTION_MAP`) plus the project's in-domain
appeal labels, which are up-weighted: long formal complaints read like neutral Weibo posts, and
only in-domain examples teach the model otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse import hstack as sparse_hstack
from sklearn.linear_model import LogisticRegression

from .datasets import EMOTIONS
from .embed import Embedder, shared_embedder
from .features import CharFeatures, char_counts, class_coef, decide, fit_classifier, top_terms, with_dense
from .lexicon import LexiconFeatures, LexiconHit, default_lexicon
from .tokenize import appeal_text, clean


def emotion_text(title: str, text: str) -> str:
    """The text the emotion model reads (the same string as the category model's).

    >>> emotion_text("", "太过分了！")
    '太过分了！'
    """
    return appeal_text(title, text)


def intensity(label: str, confidence: float, hits: Sequence[LexiconHit], text: str) -> int:
    """Intensity 0-3: 0 for neutral; lexicon weight, `！` and model confidence raise it.

    >>> intensity("angry", 0.9, default_lexicon().match("忍无可忍！！"), "忍无可忍！！")
    3
    >>> intensity("neutral", 0.9, [], "")
    0
    """
    if label == "neutral":
        return 0
    own = [h for h in hits if h.emotion == label]
    weight = sum(h.weight for h in own)
    strong = any(h.weight >= 3 for h in own)
    bangs = text.count("！") + text.count("!")
    level = 1
    if confidence >= 0.6 or weight >= 3 or bangs >= 2:
        level = 2
    if (strong and (confidence >= 0.5 or bangs >= 2)) or weight >= 8:
        level = 3
    return level


@dataclass
class EmotionPrediction:
    """Emotion, its probability, intensity, and the terms and lexicon words behind it."""

    label: str
    confidence: float
    intensity: int
    terms: list[str] = field(default_factory=list)
    lexicon: list[str] = field(default_factory=list)


SVM_C = 0.1
VARIANTS = ("fast", "accurate")
# Weight of the e5 sentence embedding in the accurate variant. Held-out SMP2020 macro-F1 /
# in-domain accuracy through this code: none 0.682 / 0.628, 0.5 0.714 / 0.702, 1 0.701 / 0.723.
# 0.5 ships: the SMP figure rests on 909 posts, the in-domain gap on 2 of 94 appeals.
EMBED_WEIGHT = 0.5


class EmotionModel:
    """A calibrated linear SVM over TF-IDF and lexicon features (logistic regression when a
    class has too few examples to calibrate, or `svm_c` is None).

    The SVM is fitted on all the training data (`ensemble=False`); its decision picks the label
    and the sigmoid calibration (3-fold) only supplies the confidence. On the held-out SMP2020
    posts: SVM (C 0.1) 0.682 macro-F1, logistic regression 0.675 with the same source weights,
    argmax of the calibrated probabilities 0.663 (averaging 3 fold models: 0.647).
    """

    kind = "emotion"

    def __init__(
        self, c: float = 2.0, svm_c: float | None = SVM_C, variant: str = "fast", embed_weight: float = EMBED_WEIGHT
    ) -> None:
        if variant not in VARIANTS:
            raise ValueError(f"variant must be one of {VARIANTS}, not {variant!r}")
        self.c = c
        self.svm_c = svm_c
        self.variant = variant
        # accurate: the multilingual-e5-small embedding of the same text (the one the accurate
        # category model embeds, so an appeal is embedded once for both) is appended.
        self.embed_weight = embed_weight if variant == "accurate" else 0.0
        self._embedder: Embedder | None = None
        self.features = CharFeatures()
        self.lexicon = LexiconFeatures()
        self.clf = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
        self.coef_ = np.zeros((0, 0))

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_embedder"] = None  # holds a SQLite handle and the e5 model: rebuilt on demand.
        return state

    def __setstate__(self, state: dict) -> None:
        # Models pickled before the SVM option had only logistic regression, and no variants.
        self.__dict__.update(state)
        self.__dict__.setdefault("variant", "fast")
        self.__dict__.setdefault("embed_weight", 0.0)
        self.__dict__.setdefault("_embedder", None)
        if "coef_" not in state:
            self.coef_ = self.clf.coef_
            self.svm_c = None

    @property
    def classes(self) -> list[str]:
        """Labels the model can predict."""
        return [str(c) for c in self.clf.classes_]

    def _dense(self, docs: Sequence[str], hits=None) -> csr_matrix:
        """Lexicon features, and the weighted embedding in the accurate variant."""
        lex = self.lexicon.transform(list(docs), hits)
        if self.embed_weight <= 0:
            return lex
        if self._embedder is None:
            self._embedder = shared_embedder()
        emb = csr_matrix(self.embed_weight * self._embedder.embed(list(docs)))
        return sparse_hstack([lex, emb], format="csr")

    def fit(
        self, texts: Sequence[str], labels: Sequence[str], weights: Sequence[float] | None = None
    ) -> EmotionModel:
        """Train on (already joined) texts; `weights` up-weight in-domain examples."""
        unknown = set(labels) - set(EMOTIONS)
        if unknown:
            raise ValueError(f"unknown emotion labels {sorted(unknown)}; expected {EMOTIONS}")
        docs = [clean(t) for t in texts]
        x = with_dense(self.features.fit(char_counts(docs)), self._dense(docs))
        sw = None if weights is None else np.asarray(weights, dtype=float)
        self.clf, self.coef_ = fit_classifier(x, list(labels), self.svm_c, self.c, True, sw)
        self.features.name_columns(docs, self.coef_)
        return self

    def predict(
        self,
        titles: Sequence[str],
        texts: Sequence[str],
        explain: int = 5,
        counts=None,
        docs: Sequence[str] | None = None,
    ) -> list[EmotionPrediction]:
        """Emotion, confidence, intensity and explanations.

        `docs` (the `emotion_text` of each appeal) and `counts` (their `char_counts`) may be
        passed when the caller already computed them.
        """
        if not len(texts):
            return []
        if docs is None:
            docs = [emotion_text(a, b) for a, b in zip(titles, texts)]
        if counts is None:
            counts = char_counts(docs)
        lex = default_lexicon()
        all_hits = [lex.match(d) for d in docs]
        x = with_dense(self.features.transform(counts), self._dense(docs, all_hits))
        proba = self.clf.predict_proba(x)
        best = decide(self.clf, x, proba, single_svm=True)  # the calibrated probability is its confidence
        lex_names = list(self.lexicon.get_feature_names_out())
        classes = self.classes
        out = []
        for i, j in enumerate(best):
            label, conf = classes[j], float(proba[i, j])
            hits = all_hits[i]
            terms = (
                top_terms(x, i, class_coef(self.coef_, j), self.features.names, lex_names, explain, self.features.width)
                if explain
                else []
            )
            out.append(
                EmotionPrediction(
                    label,
                    conf,
                    intensity(label, conf, hits, docs[i]),
                    terms,
                    [f"{h.word}({h.emotion})" for h in hits],
                )
            )
        return out
