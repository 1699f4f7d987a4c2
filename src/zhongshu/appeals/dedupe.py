"""Duplicate and near-duplicate appeals: same caller, or nearly the same text, within N days.

Similarity is the Jaccard index of character bigrams (shingles): robust to Chinese without
tokenization and to small edits. Window: `ZHONGSHU_APPEAL_DUPLICATE_DAYS` (default 30).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.conf import settings

THRESHOLD = 0.6
MAX_SCAN = 3000  # newest appeals compared in the window; older ones are not worth the time at intake
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def shingles(text: str, k: int = 2) -> frozenset[str]:
    """Character k-grams of text with spaces and punctuation removed.

    >>> sorted(shingles("路灯 不亮！"))
    ['不亮', '灯不', '路灯']
    """
    clean = _NOISE.sub("", text or "")
    if len(clean) < k:
        return frozenset({clean}) if clean else frozenset()
    return frozenset(clean[i:i + k] for i in range(len(clean) - k + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """|a ∩ b| / |a ∪ b| (0 for two empty sets).

    >>> round(jaccard(shingles("小区路灯不亮"), shingles("小区路灯不亮了")), 2)
    0.83
    """
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def window_days() -> int:
    return int(getattr(settings, "ZHONGSHU_APPEAL_DUPLICATE_DAYS", 30) or 30)


def candidates(appeal: Any, limit: int = 5) -> list[dict[str, Any]]:
    """Earlier open-or-recent appeals that look like the same matter (best first)."""
    from zhongshu.appeals.models import Appeal

    since = appeal.received_at - dt.timedelta(days=window_days())
    recent = (Appeal.objects.filter(received_at__gte=since, received_at__lte=appeal.received_at,
                                    duplicate_of__isnull=True)
              .exclude(pk=appeal.pk).order_by("-received_at").only("id", "tracking_code", "title", "text",
                                                                     "phone_digest")[:MAX_SCAN])
    mine = shingles(f"{appeal.title}{appeal.text}")
    found = []
    for other in recent:
        score = jaccard(mine, shingles(f"{other.title}{other.text}"))
        same_phone = bool(appeal.phone_digest) and other.phone_digest == appeal.phone_digest
        if score >= THRESHOLD or same_phone:
            reason = "same caller" if same_phone else "similar text"
            if same_phone and score >= THRESHOLD:
                reason = "same caller, similar text"
            found.append({"id": other.pk, "tracking_code": other.tracking_code, "score": round(score, 2),
                          "reason": reason})
    found.sort(key=lambda d: (d["score"] >= THRESHOLD, d["score"]), reverse=True)
    return found[:limit]
