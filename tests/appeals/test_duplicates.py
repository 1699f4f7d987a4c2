"""Duplicate detection (same caller or similar text within N days) and the merge action."""

import datetime as dt

import pytest

from zhongshu.appeals import dedupe, services
from zhongshu.appeals.models import Appeal
from zhongshu.core.errors import InvalidInput


def test_similar_text_and_same_phone(users, new_appeal):
    first = new_appeal("城阳街道幸福小区3号楼门口的路灯坏了一个月了，晚上很黑")
    similar = new_appeal("城阳街道幸福小区3号楼门口的路灯坏了一个月了，晚上太黑了")
    assert similar.triage["duplicates"][0]["id"] == first.pk
    other = new_appeal("学校门口有人卖三无食品")
    assert "duplicates" not in other.triage
    caller = new_appeal("第一件事情", citizen_phone="13700001111")
    again = new_appeal("完全不同的另一件事", citizen_phone="137 0000 1111")
    assert again.triage["duplicates"][0] == {"id": caller.pk, "tracking_code": caller.tracking_code,
                                             "score": pytest.approx(0, abs=0.3), "reason": "same caller"}


def test_window(users, new_appeal, settings):
    settings.ZHONGSHU_APPEAL_DUPLICATE_DAYS = 7
    first = new_appeal("幸福小区路灯坏了很久没人修")
    Appeal.objects.filter(pk=first.pk).update(received_at=first.received_at - dt.timedelta(days=8))
    later = new_appeal("幸福小区路灯坏了很久没人修")
    assert "duplicates" not in later.triage


def test_merge(users, new_appeal):
    first = new_appeal("幸福小区路灯坏了很久没人修")
    second = new_appeal("幸福小区路灯坏了很久没人修啊")
    merged = services.transition(users.operator, second.pk, "merge", duplicate_of=first.tracking_code)
    assert merged.state == "closed" and merged.duplicate_of == first
    with pytest.raises(InvalidInput):
        services.transition(users.operator, new_appeal("x").pk, "merge", duplicate_of="NOPE")


def test_shingle_similarity():
    assert dedupe.jaccard(dedupe.shingles("路灯不亮"), dedupe.shingles("路灯不亮！")) == 1.0
    assert dedupe.jaccard(dedupe.shingles(""), dedupe.shingles("x")) == 0.0
