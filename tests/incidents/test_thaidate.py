"""Thai dates: Buddhist Era years, Thai month names, 24-hour `HH.MM น.` in Bangkok time."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from incidents.thaidate import be_year, format_date, format_datetime, format_time

BANGKOK = ZoneInfo("Asia/Bangkok")


def test_buddhist_era_year_is_gregorian_plus_543():
    assert be_year(date(2026, 1, 1)) == 2569
    assert be_year(date(2018, 5, 27)) == 2561  # the Phichit announcement


def test_dates_use_thai_month_names():
    assert format_date(date(2026, 11, 28)) == "28 พ.ย. 2569"
    assert format_date(date(2026, 11, 28), short=False) == "28 พฤศจิกายน 2569"
    assert format_date(date(2026, 1, 5)) == "5 ม.ค. 2569"


def test_times_are_shown_in_bangkok_with_a_dot_and_na():
    moment = datetime(2026, 11, 28, 7, 5, tzinfo=UTC)  # 14.05 in Bangkok
    assert format_time(moment, BANGKOK) == "14.05 น."
    assert format_datetime(moment, BANGKOK) == "28 พ.ย. 2569 14.05 น."


def test_the_local_date_rolls_over_before_utc_does():
    late_utc = datetime(2026, 12, 31, 17, 30, tzinfo=UTC)  # 00.30 on 1 January in Bangkok
    assert format_datetime(late_utc, BANGKOK) == "1 ม.ค. 2570 00.30 น."
