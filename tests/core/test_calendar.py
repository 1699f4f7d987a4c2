"""Working days on the official calendar: holidays, 调休 make-up days, county overrides."""

import datetime as dt
import json

import pytest

from zhongshu.core.calendar import WorkCalendar, default_calendar, load_calendar
from zhongshu.core.errors import ConfigError

D = dt.date


@pytest.fixture(scope="module")
def cal():
    return load_calendar()


def test_shipped_years(cal):
    assert cal.covers(2025) and cal.covers(2026)


@pytest.mark.parametrize("day,working", [
    (D(2026, 2, 14), True),   # Saturday make-up working day before 春节
    (D(2026, 2, 16), False),  # 春节
    (D(2026, 2, 23), False),  # last day of 春节 (a Monday)
    (D(2026, 2, 24), True),
    (D(2026, 2, 28), True),   # Saturday make-up working day after 春节
    (D(2026, 1, 4), True),    # Sunday make-up after 元旦
    (D(2026, 10, 10), True),
    (D(2026, 10, 8), True),   # 2026 国庆 ends on the 7th
    (D(2025, 10, 8), False),  # 2025 国庆+中秋 run to the 8th
    (D(2025, 4, 27), True),
    (D(2026, 3, 7), False),   # an ordinary Saturday
])
def test_is_working_day(cal, day, working):
    assert cal.is_working_day(day) is working


def test_add_working_days_across_holiday_and_makeup_day(cal):
    # Fri 13 Feb 2026 + 1 → Sat 14 Feb (make-up working day)
    assert cal.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    # Sat 14 Feb + 1 skips the whole 春节 (15–23 Feb) → Tue 24 Feb
    assert cal.add_working_days(D(2026, 2, 14), 1) == D(2026, 2, 24)
    # 13 working days from Thu 12 Feb: 13, 14, 24, 25, 26, 27, 28(Sat make-up), 2, 3, 4, 5, 6, 9 March
    assert cal.add_working_days(D(2026, 2, 12), 13) == D(2026, 3, 9)
    assert cal.add_working_days(D(2026, 2, 16), 0) == D(2026, 2, 24)
    assert cal.working_days_between(D(2026, 2, 12), D(2026, 3, 9)) == 13


def test_county_override(tmp_path):
    folder = tmp_path / "calendar"
    folder.mkdir()
    (folder / "local.json").write_text(json.dumps({
        "holidays": [{"name": "县庆", "dates": ["2026-03-10"]}], "workdays": ["2026-03-14"]}))
    cal = load_calendar([folder])
    assert not cal.is_working_day(D(2026, 3, 10)) and cal.holiday_name(D(2026, 3, 10)) == "县庆"
    assert cal.is_working_day(D(2026, 3, 14))
    assert not cal.is_working_day(D(2026, 2, 16))  # official days still apply


def test_default_calendar_reads_data_dir(settings):
    folder = settings.ZHONGSHU_DATA_DIR / "calendar"
    folder.mkdir()
    assert default_calendar().is_working_day(D(2026, 3, 11))
    (folder / "x.json").write_text(json.dumps({"holidays": [{"name": "x", "dates": ["2026-03-11"]}]}))
    assert not default_calendar().is_working_day(D(2026, 3, 11))


def test_bad_override_is_a_clear_error(tmp_path):
    (tmp_path / "bad.json").write_text('{"holidays": [{"dates": ["2026-13-01"]}]}')
    with pytest.raises(ConfigError, match="YYYY-MM-DD"):
        load_calendar([tmp_path])
    (tmp_path / "bad.json").write_text('{"holidays": [{"dates": ["2026-03-02"]}], "workdays": ["2026-03-02"]}')
    with pytest.raises(ConfigError, match="both"):
        load_calendar([tmp_path])


def test_plain_calendar_counts_weekends_only():
    assert WorkCalendar().add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 16)
