"""Anonymous failures cannot grow the audit log without limit: repeats within a window are counted."""

from datetime import datetime, timedelta, timezone

from zhongshu.audit.models import AuditEvent, RepeatCounter
from zhongshu.audit.services import (
    REPEAT_KEYS_PER_WINDOW,
    Event,
    flush_repeats,
    record_repeated,
    verify_chain,
)


def bad_key() -> Event:
    return Event("open311.bad_key", "open311_client", "", "denied", "invalid or revoked api_key")


def test_thirty_failures_from_one_address_write_one_record_then_one_summary(db, settings):
    settings.ZHONGSHU_AUDIT_REPEAT_SECONDS = 600
    t0 = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)
    written = [record_repeated("anonymous", bad_key(), "ip:10.0.0.9", now=t0 + timedelta(seconds=i)) for i in range(30)]
    assert written == [True] + [False] * 29
    assert AuditEvent.objects.filter(action="open311.bad_key").count() == 1
    assert flush_repeats(now=t0 + timedelta(seconds=10)) == 0  # the window is still open
    assert flush_repeats(now=t0 + timedelta(seconds=700)) == 1
    summary = AuditEvent.objects.get(action="audit.suppressed")
    assert summary.details == {"action": "open311.bad_key", "count": 29, "window": 600}
    assert not RepeatCounter.objects.exists() and verify_chain().ok


def test_a_new_window_records_again_and_summarises_the_last(db):
    t0 = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)
    for i in range(5):
        record_repeated("anonymous", bad_key(), "ip:10.0.0.9", now=t0 + timedelta(seconds=i))
    assert record_repeated("anonymous", bad_key(), "ip:10.0.0.9", now=t0 + timedelta(hours=1))
    assert AuditEvent.objects.filter(action="open311.bad_key").count() == 2
    assert AuditEvent.objects.get(action="audit.suppressed").details["count"] == 4


def test_rotating_addresses_share_one_counter_past_the_cap(db):
    t0 = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)
    for i in range(REPEAT_KEYS_PER_WINDOW + 50):
        record_repeated("anonymous", bad_key(), f"ip:10.1.{i // 250}.{i % 250}", now=t0)
    assert AuditEvent.objects.filter(action="open311.bad_key").count() == REPEAT_KEYS_PER_WINDOW + 1
