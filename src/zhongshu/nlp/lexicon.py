"""The emotion lexicon: matched words are model features and human-readable explanations."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.base import BaseEstimator, TransformerMixin

from .paths import PACKAGE_DATA

DEFAULT_LEXICON = PACKAGE_DATA / "emotion_lexicon.txt"
LEXICON_EMOTIONS = ("angry", "anxious", "sad", "positive")


@dataclass(frozen=True)
class LexiconHit:
    """A lexicon word found in a text."""

    word: str
    emotion: str
    weight: int


class Lexicon:
    """Words with an emotion and a 1-3 weight; longer entries shadow the words they contain."""

    def __init__(self, entries: dict[str, tuple[str, int]]) -> None:
        # Longest first so that "极度失望" is matched before (and instead of) "失望".
        self.entries = dict(sorted(entries.items(), key=lambda kv: -len(kv[0])))
        self._pattern = re.compile("|".join(re.escape(w) for w in self.entries)) if entries else None

    @classmethod
    def load(cls, path: Path | str | None = None) -> Lexicon:
        """Read a `word<TAB>emotion<TAB>weight` file; `#` starts a comment."""
        entries: dict[str, tuple[str, int]] = {}
        for line in Path(path or DEFAULT_LEXICON).read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            word, emotion, weight = line.split("\t")
            entries[word.strip()] = (emotion.strip(), int(weight))
        return cls(entries)

    def match(self, text: str) -> list[LexiconHit]:
        """Lexicon words in `text` in order of first appearance, each once (longest match wins).

        >>> [h.word for h in default_lexicon().match("极度失望，忍无可忍，失望")]
        ['极度失望', '忍无可忍', '失望']
        """
        if self._pattern is None:
            return []
        hits: dict[str, LexiconHit] = {}
        for m in self._pattern.finditer(text):
            word = m.group()
            if word not in hits:
                emotion, weight = self.entries[word]
                hits[word] = LexiconHit(word, emotion, weight)
        return list(hits.values())

    def scores(self, text: str) -> dict[str, float]:
        """Summed weight per emotion."""
        out = dict.fromkeys(LEXICON_EMOTIONS, 0.0)
        for h in self.match(text):
            out[h.emotion] = out.get(h.emotion, 0.0) + h.weight
        return out


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The shipped lexicon, loaded once."""
    return Lexicon.load()


class LexiconFeatures(BaseEstimator, TransformerMixin):
    """Dense features: log-scaled lexicon score per emotion, strong-word flags, `！`/`？` counts."""

    def fit(self, texts: list[str], y: object = None) -> LexiconFeatures:
        """Stateless; returns self."""
        return self

    def transform(self, texts: list[str], hits: list[list[LexiconHit]] | None = None) -> csr_matrix:
        """One row of 11 features per text (`hits`: precomputed `match` results, to save a pass)."""
        lex = default_lexicon()
        rows = []
        for n, t in enumerate(texts):
            hits_t = hits[n] if hits is not None else lex.match(t)
            row = []
            for e in LEXICON_EMOTIONS:
                score = sum(h.weight for h in hits_t if h.emotion == e)
                strong = any(h.weight >= 3 for h in hits_t if h.emotion == e)
                row += [np.log1p(score), float(strong)]
            bangs = t.count("！") + t.count("!")
            asks = t.count("？") + t.count("?")
            row += [np.log1p(bangs), np.log1p(asks), float("！！" in t or "!!" in t)]
            rows.append(row)
        return csr_matrix(np.asarray(rows, dtype=np.float64).reshape(len(texts), 11))

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        """Names used in explanations."""
        names = [f"lex:{e}{s}" for e in LEXICON_EMOTIONS for s in ("", ":strong")]
        return np.asarray(names + ["punct:！", "punct:？", "punct:！！"], dtype=object)
