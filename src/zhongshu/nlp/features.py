"""Features shared by the category and emotion models, and per-class explanations.

Both models read the same hashed character 1-3-gram counts of the same text, so bulk triage
counts n-grams once per appeal (the costliest step) and each model applies its own TF-IDF
weights. jieba word features were dropped from the models: on the labelled appeals they did not
add to character n-grams (CV macro-F1 0.712 with, 0.724 without), and they cost 1.2 ms per
appeal, more than the whole one-core budget of 1 ms. jieba still serves `tokenize.words()`.
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.calibration import CalibratedClassifierCV
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC
from sklearn.utils import murmurhash3_32

N_FEATURES = 2**20
NAMED_FEATURES = 40_000  # n-grams with the largest weights keep a readable name for explanations.

_HASHER = HashingVectorizer(
    analyzer="char",
    ngram_range=(1, 3),
    n_features=N_FEATURES,
    alternate_sign=False,
    norm=None,
    dtype=np.float32,
)


def char_counts(docs: Sequence[str]) -> csr_matrix:
    """Hashed character 1-3-gram counts (stateless: the same for every model)."""
    return _HASHER.transform(docs)


def _index(ngram: str) -> int:
    """Column of an n-gram in `char_counts` (FeatureHasher's formula).

    >>> bool(_index("物") == char_counts(["物"]).indices[0])
    True
    """
    return abs(murmurhash3_32(ngram, seed=0)) % N_FEATURES


def _select(counts: csr_matrix, remap: np.ndarray, width: int) -> csr_matrix:
    """Keep the columns with `remap >= 0`, renumbered to `remap` (vectorised).

    >>> m = _select(csr_matrix(np.array([[1, 2, 0], [0, 0, 0], [0, 3, 4]])), np.array([-1, 0, 1]), 2)
    >>> m.toarray().tolist()
    [[2, 0], [0, 0], [3, 4]]
    """
    cols = remap[counts.indices]
    keep = cols >= 0
    rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
    nnz_per_row = np.bincount(rows[keep], minlength=counts.shape[0])
    indptr = np.concatenate([[0], np.cumsum(nnz_per_row)])
    return csr_matrix((counts.data[keep], cols[keep], indptr), shape=(counts.shape[0], width))


class CharFeatures:
    """TF-IDF weighting of hashed char n-grams seen in >= `min_df` training texts, with names.

    Only the kept columns reach the classifier (a few hundred thousand out of 2**20), which keeps
    logistic regression fast to train; `names` maps kept columns to readable n-grams.
    """

    def __init__(self) -> None:
        self.tfidf = TfidfTransformer(sublinear_tf=True)
        self.names: dict[int, str] = {}
        self.keep = np.zeros(0, dtype=np.int64)
        self._remap = np.zeros(0, dtype=np.int64)

    def fit(self, counts: csr_matrix, min_df: int = 2) -> csr_matrix:
        """Choose columns and learn IDF weights; returns the weighted training matrix."""
        # Like TfidfVectorizer(min_df=2): a one-off n-gram is noise on a few hundred appeals
        # (CV macro-F1 0.62 with them, 0.72 without).
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        self.keep = np.flatnonzero(df >= min_df)
        self._remap = np.full(counts.shape[1], -1, dtype=np.int64)
        self._remap[self.keep] = np.arange(len(self.keep))
        self.tfidf.fit(_select(counts, self._remap, len(self.keep)))
        return self.transform(counts)

    def transform(self, counts: csr_matrix) -> csr_matrix:
        """Weight counts from `char_counts` (columns: the kept n-grams)."""
        return self.tfidf.transform(_select(counts, self._remap, len(self.keep))).astype(np.float32)

    @property
    def width(self) -> int:
        """Number of n-gram columns the classifier sees."""
        return len(self.keep)

    def name_columns(self, docs: Sequence[str], coef: np.ndarray) -> None:
        """Remember the n-gram behind each of the most heavily weighted columns."""
        weight = np.abs(coef[:, : self.width]).max(axis=0)
        n = min(NAMED_FEATURES, len(weight))
        keep = set(np.argpartition(-weight, n - 1)[:n].tolist()) if n else set()
        analyze = _HASHER.build_analyzer()
        seen: set[str] = set()
        for doc in docs:
            for g in analyze(doc):
                if g not in seen:
                    seen.add(g)
                    col = int(self._remap[_index(g)])
                    if col in keep and col not in self.names:
                        self.names[col] = g


def with_dense(x: csr_matrix, dense: np.ndarray | csr_matrix | None, weight: float = 1.0) -> csr_matrix:
    """Append dense (or sparse) columns, scaled, to a sparse matrix (no-op when None)."""
    if dense is None or weight <= 0:
        return x
    extra = dense if isinstance(dense, csr_matrix) else csr_matrix(np.asarray(dense) * weight)
    if isinstance(dense, csr_matrix) and weight != 1.0:
        extra = extra * weight
    return hstack([x, extra], format="csr")


def linear_svm(c: float) -> LinearSVC:
    """The linear SVM of both models: balanced classes, a fixed seed (liblinear visits examples in
    random order, which moved CV macro-F1 by ~0.01 between runs) and 5,000 iterations."""
    return LinearSVC(C=c, class_weight="balanced", max_iter=5000, random_state=0)


CALIBRATION_FOLDS = 3


def fit_classifier(
    x: csr_matrix,
    labels: Sequence[str],
    svm_c: float | None,
    lr_c: float,
    single_svm: bool,
    sample_weight: np.ndarray | None = None,
) -> tuple[CalibratedClassifierCV | LogisticRegression, np.ndarray]:
    """The classifier both models use, and its weights for explanations.

    A linear SVM with sigmoid-calibrated probabilities when `svm_c` is set, there are more than
    two classes and each has at least CALIBRATION_FOLDS examples; else logistic regression.
    `single_svm`: one SVM fitted on all data decides and the calibration only gives confidence
    (see `decide`); otherwise the calibrated fold models are averaged. liblinear may stop at its
    iteration limit with embeddings appended; the model card's figures were measured on exactly
    that solution, so the ConvergenceWarning is silenced.
    """
    counts = Counter(labels)
    if svm_c is not None and counts and min(counts.values()) >= CALIBRATION_FOLDS and len(counts) > 2:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf = CalibratedClassifierCV(
                linear_svm(svm_c), method="sigmoid", cv=CALIBRATION_FOLDS, ensemble=not single_svm
            ).fit(x, labels, sample_weight=sample_weight)
        # the mean weights of the calibrated SVMs (one per calibration fold; one when single)
        return clf, np.mean([c.estimator.coef_ for c in clf.calibrated_classifiers_], axis=0)
    clf = LogisticRegression(C=lr_c, max_iter=3000, class_weight="balanced")
    clf.fit(x, labels, sample_weight=sample_weight)
    return clf, clf.coef_


def decide(clf, x: csr_matrix, proba: np.ndarray, single_svm: bool) -> np.ndarray:
    """Column of the chosen class per row: the single SVM's own decision when there is one
    (argmax of the one-vs-rest calibrated probabilities lost 0.01-0.02 macro-F1), else the
    most probable class."""
    if single_svm and isinstance(clf, CalibratedClassifierCV):
        return clf.calibrated_classifiers_[0].estimator.decision_function(x).argmax(axis=1)
    return proba.argmax(axis=1)


def class_coef(coef: np.ndarray, j: int) -> np.ndarray:
    """Weights pushing towards class `j`; a two-class model keeps one row, for class 1.

    >>> class_coef(np.array([[1.0, -2.0]]), 0).tolist(), class_coef(np.array([[1.0, -2.0]]), 1).tolist()
    ([-1.0, 2.0], [1.0, -2.0])
    """
    if coef.shape[0] == 1:
        return coef[0] if j == 1 else -coef[0]
    return coef[j]


def top_terms(
    x: csr_matrix,
    row: int,
    coef: np.ndarray,
    names: dict[int, str],
    extra_names: Sequence[str] = (),
    k: int = 5,
    width: int = N_FEATURES,
) -> list[str]:
    """The `k` named features of one row that pushed hardest towards a class (positive only)."""
    s, e = x.indptr[row], x.indptr[row + 1]
    idx = x.indices[s:e]
    data = x.data[s:e]
    # only nameable columns compete: embedding columns (unnamed) would crowd out every n-gram
    named = idx < width + len(extra_names)
    idx, data = idx[named], data[named]
    contrib = data * coef[idx]
    order = np.argsort(-contrib)[: 12 * k]
    ranked: list[str] = []
    for o in order:
        if contrib[o] <= 0:
            break
        col = int(idx[o])
        if col < width:
            term = names.get(col)
        else:
            j = col - width
            term = extra_names[j] if j < len(extra_names) else None
        if term and term.strip() and term not in ranked:
            ranked.append(term)
    # Multi-character n-grams read as words; single characters only fill up, and never when
    # already inside a listed n-gram.
    out = [t for t in ranked if len(t.strip()) > 1 or ":" in t][:k]
    for t in ranked:
        if len(out) >= k:
            break
        if t not in out and not any(t in u for u in out):
            out.append(t)
    return out
