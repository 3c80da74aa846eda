"""Dates the Thai way: Buddhist Era years, Thai month names, `14.05 น.`, in local time."""

from __future__ import annotations

from datetime import date, datetime, tzinfo

BE_OFFSET = 543

MONTHS_FULL = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip
MONTHS_SHORT = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)  # fmt: skip


def be_year(value: date) -> int:
    """The Buddhist Era year of a date (พ.ศ. = ค.ศ. + 543)."""
    return value.year + BE_OFFSET


def format_date(value: date, *, short: bool = True) -> str:
    """`28 พ.ย. 2569`, or `28 พฤศจิกายน 2569` with short=False."""
    months = MONTHS_SHORT if short else MONTHS_FULL
    return f"{value.day} {months[value.month - 1]} {be_year(value)}"


def format_time(value: datetime, tz: tzinfo) -> str:
    """`14.05 น.` in the given zone."""
    local = value.astimezone(tz)
    return f"{local.hour:02d}.{local.minute:02d} น."


def format_datetime(value: datetime, tz: tzinfo, *, short: bool = True) -> str:
    """`28 พ.ย. 2569 14.05 น.` in the given zone."""
    local = value.astimezone(tz)
    return f"{format_date(local.date(), short=short)} {format_time(local, tz)}"
