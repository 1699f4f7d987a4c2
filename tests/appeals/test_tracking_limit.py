"""Tracking-code lookups are rate-limited per client address; refusals are aggregated in the audit log."""

from __future__ import annotations

import re

from django.test import Client

from zhongshu.appeals import intake
from zhongshu.audit.models import AuditEvent


def test_tracking_lookups_are_limited_per_address(departments, settings):
    settings.ZHONGSHU_TRACKING_RATE_LIMIT = "3/60"
    appeal, _ = intake.submit("citizen", intake.AppealInput(text="路灯坏了很久"), "web", ip="10.6.0.1")
    guesser = Client(REMOTE_ADDR="10.6.0.2")
    for i in range(3):
        assert guesser.get("/appeals/public/track/", {"code": f"250101AAAA{i:04d}"}).status_code == 200
    for _ in range(5):
        refused = guesser.get("/appeals/public/track/", {"code": appeal.tracking_code})
        assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    page = refused.content.decode()
    assert 'data-testid="status"' not in page and appeal.title not in page
    assert "查询过于频繁" in page and re.search(r"\d{2}:\d{2}", page), page  # says when to come back
    assert AuditEvent.objects.filter(action="tracking.rate_limited").count() == 1
    # another address is not affected, and the empty form costs nothing
    assert 'data-testid="status"' in Client(REMOTE_ADDR="10.6.0.3").get(
        "/appeals/public/track/", {"code": appeal.tracking_code}).content.decode()
    assert guesser.get("/appeals/public/track/").status_code == 200
