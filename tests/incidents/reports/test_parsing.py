"""Reading typed times and impact figures the way Thai officials write them."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from incidents.reports.parsing import InputError, clean_text, parse_impact, parse_occurred_at

BANGKOK = ZoneInfo("Asia/Bangkok")
NOW = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)  # 15.00 in Bangkok


@pytest.mark.parametrize(
    ("typed", "local"),
    [
        ("14.30", "2026-11-28 14:30"),
        ("14:30", "2026-11-28 14:30"),
        ("14.30 น.", "2026-11-28 14:30"),
        ("๑๔.๓๐", "2026-11-28 14:30"),
        ("28/11 09.05", "2026-11-28 09:05"),
        ("27/11/2569 23.50", "2026-11-27 23:50"),
        ("27/11/69 23.50", "2026-11-27 23:50"),
        ("27/11/2026 23.50", "2026-11-27 23:50"),
        ("15.01", "2026-11-28 15:01"),  # within the tolerance for a clock running ahead
    ],
)
def test_times_are_read_as_bangkok_time(typed, local):
    parsed = parse_occurred_at(typed, NOW, BANGKOK)
    assert parsed.tzinfo is not None
    assert parsed.astimezone(BANGKOK).strftime("%Y-%m-%d %H:%M") == local


@pytest.mark.parametrize(
    ("typed", "local"),
    [
        ("15.10", "2026-11-27 15:10"),
        ("23.50", "2026-11-27 23:50"),
        ("๒๓.๕๐ น.", "2026-11-27 23:50"),
    ],
)
def test_a_time_of_day_still_to_come_is_yesterdays(typed, local):
    parsed = parse_occurred_at(typed, NOW, BANGKOK)
    assert parsed.astimezone(BANGKOK).strftime("%Y-%m-%d %H:%M") == local


def test_a_time_after_midnight_typed_just_after_midnight_is_yesterday_evening():
    night = datetime(2026, 11, 30, 20, 26, tzinfo=UTC)  # 03.26 on 1 December in Bangkok

    parsed = parse_occurred_at("23.50", night, BANGKOK)

    assert parsed.astimezone(BANGKOK).strftime("%Y-%m-%d %H:%M") == "2026-11-30 23:50"


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("29/11 10.00", "time_future"),
        ("1/1/2568 10.00", "time_too_old"),
        ("25.00", "time_invalid"),
        ("31/02 10.00", "time_invalid"),
        ("บ่ายสองโมง", "time_format"),
        ("", "time_format"),
    ],
)
def test_bad_times_are_refused_with_a_reason(typed, reason):
    with pytest.raises(InputError) as refused:
        parse_occurred_at(typed, NOW, BANGKOK)
    assert refused.value.reason == reason


def test_impact_keeps_unknown_apart_from_zero():
    figures = parse_impact("เสียชีวิต 0 บาดเจ็บ ๓ ครัวเรือน 1,200")
    assert (figures.dead, figures.injured, figures.missing, figures.households) == (
        0,
        3,
        None,
        1200,
    )


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("ไม่มี", "impact_format"),
        ("บาดเจ็บ 2 เจ็บ 3", "impact_repeated"),
        ("ตาย 99999999", "impact_format"),
        ("บ้าน 2000000", "impact_too_large"),
    ],
)
def test_bad_impact_is_refused(typed, reason):
    with pytest.raises(InputError) as refused:
        parse_impact(typed)
    assert refused.value.reason == reason


def test_clean_text_drops_invisible_controls_and_keeps_lines():
    assert clean_text("\u200bบ้าน\u202e  ดอน\r\nหมู่ 2\x07 ") == "บ้าน ดอน\nหมู่ 2"
