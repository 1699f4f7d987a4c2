"""Chinese catalogue search: the query is segmented with jieba; every token must occur in the
dataset's stored text (name, category, description, fields, provider), so searching "户籍人口"
finds "常住人口户籍信息". Storing the plain text (not tokens) keeps jieba out of the load path and
lets a token match inside longer words.
"""

from __future__ import annotations

import logging
import re
import threading

import jieba
from django.db.models import Q, QuerySet

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None
_WORD = re.compile(r"[\w\u4e00-\u9fff]")
jieba.setLogLevel(logging.WARNING)


def _tok() -> jieba.Tokenizer:
    global _tokenizer
    with _lock:
        if _tokenizer is None:
            _tokenizer = jieba.Tokenizer()
        return _tokenizer


def tokens(text: str) -> list[str]:
    """Search-mode tokens of a text, lower-cased, punctuation dropped, order kept, no repeats.

    >>> tokens("常住人口户籍信息")[:3]
    ['常住', '人口', '常住人口']
    """
    out: list[str] = []
    for t in _tok().cut_for_search(text or ""):
        t = t.strip().lower()
        if t and _WORD.search(t) and t not in out:
            out.append(t)
    return out


def index_text(*parts: str) -> str:
    """The stored search text: the parts, lower-cased, whitespace collapsed.

    >>> index_text("常住人口户籍信息", "Hukou  DATA")
    '常住人口户籍信息 hukou data'
    """
    return re.sub(r"\s+", " ", " ".join(p for p in parts if p)).strip().lower()


def match(queryset: QuerySet, query: str) -> QuerySet:
    """Datasets whose tokens (or name/code) contain every token of the query."""
    for t in tokens(query)[:12]:
        queryset = queryset.filter(Q(search_text__icontains=t) | Q(name__icontains=t) | Q(code__icontains=t))
    return queryset
