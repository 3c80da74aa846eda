"""Days as people type them in the filters: day/month/year, in the Buddhist Era or not."""

from __future__ import annotations

import re
from datetime import date

from incidents.textclean import ascii_digits
from incidents.thaidate import BE_OFFSET, be_year

_THAI_DAY = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})")
# Links made before Thai entry carry ISO days (2026-11-01).
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
# A year this large can only be a Buddhist Era one (2400 B.E. is 1857 C.E.).
_BE_FROM = 2400
# Days outside these years are typing errors, and one past the last would overflow a date.
_FIRST_YEAR, _LAST_YEAR = 1900, 2200


def parse_day(text: str) -> date:
    """`1/11/2569` or `1/11/2026` (day first), or `2026-11-01`; ValueError otherwise."""
    typed = ascii_digits(text).strip()
    if found := _ISO_DAY.fullmatch(typed):
        year, month, day = (int(part) for part in found.groups())
    elif found := _THAI_DAY.fullmatch(typed):
        day, month, year = (int(part) for part in found.groups())
        if year >= _BE_FROM:
            year -= BE_OFFSET
    else:
        raise ValueError("not a day")
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        raise ValueError("year out of range")
    return date(year, month, day)


def day_entry(value: date | None) -> str:
    """A day as the filter shows it back: `1/11/2569` (empty for none)."""
    return "" if value is None else f"{value.day}/{value.month}/{be_year(value)}"
