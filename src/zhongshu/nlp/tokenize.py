"""Text cleaning and jieba tokenization with the shipped government-terms dictionary."""

from __future__ import annotations

import html
import logging
import re
import threading
from functools import lru_cache
from pathlib import Path

import jieba

from .paths import PACKAGE_DATA

USER_DICT = PACKAGE_DATA / "userdict.txt"
# Models read at most this many characters: the category and the mood of an appeal are stated in
# its first paragraphs (94% of the Teddy Cup appeals are shorter), and the bound keeps a
# 20,000-character paste from costing 50x a normal one. Urgency words are read further (3,000).
MAX_CHARS = 1000

_TAG = re.compile(r"<[^>]{0,200}>")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")

_tokenizer: jieba.Tokenizer | None = None
_lock = threading.Lock()
jieba.setLogLevel(logging.WARNING)


def clean(text: str | None, max_chars: int = MAX_CHARS) -> str:
    """Strip HTML tags and entities, collapse whitespace, cut to `max_chars`.

    >>> clean("<p>路灯&nbsp;不亮</p>\\n\\n请 修")
    '路灯 不亮 请 修'
    """
    if not text:
        return ""
    text = html.unescape(_TAG.sub(" ", str(text)[: max_chars * 4]))
    return _SPACE.sub(" ", text).strip()[:max_chars]


def tokenizer(user_dict: Path | None = None) -> jieba.Tokenizer:
    """The process-wide jieba tokenizer with the government-terms dictionary loaded."""
    global _tokenizer
    with _lock:
        if _tokenizer is None:
            tk = jieba.Tokenizer()
            tk.load_userdict(str(user_dict or USER_DICT))
            _tokenizer = tk
    return _tokenizer


def appeal_text(title: str, text: str) -> str:
    """The one string both models read: cleaned title, `。`, cleaned body.

    Sharing it lets triage count character n-grams once per appeal for both models.

    >>> appeal_text("路灯不亮", "<p>晚上很黑</p>")
    '路灯不亮。晚上很黑'
    >>> appeal_text("", "  只有正文 ")
    '只有正文'
    """
    title, body = clean(title, 200), clean(text)
    return clean(f"{title}。{body}") if title else body


@lru_cache(maxsize=8192)
def _cut(text: str) -> tuple[str, ...]:
    # HMM off: new-word discovery is slow and rarely helps routing; the user dictionary covers
    # the government terms that matter.
    return tuple(w for w in tokenizer().cut(text, HMM=False) if _WORD.search(w))


def words(text: str) -> list[str]:
    """Word tokens of `text` (punctuation and spaces dropped); cached per text.

    >>> words("小区物业费太高，拖欠工资！")
    ['小区', '物业费', '太', '高', '拖欠工资']
    """
    return list(_cut(text))
