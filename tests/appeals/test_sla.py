"""Deadlines per appeal type in working days, across 春节 and its make-up working days."""

import datetime as dt
import zoneinfo

import pytest

from zhongshu.appeals import sla
from zhongshu.core.errors import ConfigError

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize("kind,urgent,received,due", [
    ("complaint", False, dt.datetime(2026, 2, 12, 10, tzinfo=TZ), dt.date(2026, 3, 9)),  # across 春节
    ("consult", False, dt.datetime(2026, 2, 12, 10, tzinfo=TZ), dt.date(2026, 2, 24)),  # 13, 14 (Sat make-up), 24
    ("consult", True, dt.datetime(2026, 2, 16, 10, tzinfo=TZ), dt.date(2026, 2, 24)),  # urgent on a holiday
    ("consult", True, dt.datetime(2026, 2, 14, 10, tzinfo=TZ), dt.date(2026, 2, 14)),  # urgent on a make-up day
    ("help", False, dt.datetime(2025, 9, 26, 10, tzinfo=TZ), dt.date(2025, 10, 10)),  # Sun 28 Sep make-up day, 29, 30, 9 Oct, 10 Oct
])
def test_deadlines(kind, urgent, received, due):
    deadline = sla.deadline_for(kind, received, urgent)
    assert deadline.astimezone(TZ).date() == due and deadline.astimezone(TZ).hour == 23


def test_configurable_days(settings):
    settings.ZHONGSHU_APPEAL_DEADLINE_DAYS = "consult=1,complaint=10"
    assert sla.deadline_days()["consult"] == 1 and sla.deadline_days()["help"] == 5
    received = dt.datetime(2026, 3, 2, 9, tzinfo=TZ)
    assert sla.deadline_for("consult", received).astimezone(TZ).date() == dt.date(2026, 3, 3)
    settings.ZHONGSHU_APPEAL_DEADLINE_DAYS = "consult=three"
    with pytest.raises(ConfigError, match="ZHONGSHU_APPEAL_DEADLINE_DAYS"):
        sla.deadline_days()
