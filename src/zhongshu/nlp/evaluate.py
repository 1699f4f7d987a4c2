"""Evaluation reports: per-class precision/recall/F1, macro-F1 and the confusion matrix."""

from __future__ import annotations

from collections.abc import Sequence

from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support


def classification_report(
    y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str] | None = None
) -> dict:
    """A JSON-ready report of a classifier on one evaluation set.

    >>> r = classification_report(["a", "b", "b"], ["a", "b", "a"])
    >>> r["macro_f1"], r["per_class"]["a"]["recall"], r["confusion"]["matrix"]
    (0.6667, 1.0, [[1, 0], [1, 1]])
    """
    labels = list(labels) if labels is not None else sorted(set(y_true) | set(y_pred))
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    return {
        "n": len(y_true),
        "macro_f1": round(
            float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)), 4
        ),
        "accuracy": round(sum(a == b for a, b in zip(y_true, y_pred)) / max(1, len(y_true)), 4),
        "per_class": {
            lab: {
                "precision": round(float(p[i]), 4),
                "recall": round(float(r[i]), 4),
                "f1": round(float(f[i]), 4),
                "support": int(s[i]),
            }
            for i, lab in enumerate(labels)
        },
        "confusion": {
            "labels": labels,
            "matrix": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
        },
    }


def binary_report(y_true: Sequence[bool], y_pred: Sequence[bool]) -> dict:
    """Precision/recall/F1 of a yes/no flag.

    >>> binary_report([True, True, False], [True, False, True])["precision"]
    0.5
    """
    tp = sum(a and b for a, b in zip(y_true, y_pred))
    fp = sum(b and not a for a, b in zip(y_true, y_pred))
    fn = sum(a and not b for a, b in zip(y_true, y_pred))
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {
        "n": len(y_true),
        "positives": tp + fn,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": round(prec, 4),
        "recall": round(rec, 4),
        "f1": round(f1, 4),
    }
