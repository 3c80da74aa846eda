"""Turning what a reporter types into validated values (times, impact figures, free text)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum

# Shared with the web log, which cleans its query strings and forms the same way.
from incidents.textclean import ascii_digits
from incidents.textclean import clean_text as clean_text

FUTURE_TOLERANCE = timedelta(minutes=2)
OLDEST_ACCEPTED = timedelta(days=90)


class InputProblem(StrEnum):
    """Why an answer cannot be used; the catalogue (incidents/text/report.py) says it in Thai."""

    USE_BUTTONS = "use_buttons"
    STALE_CHOICE = "stale_choice"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    TIME_FORMAT = "time_format"
    TIME_INVALID = "time_invalid"
    TIME_FUTURE = "time_future"
    TIME_TOO_OLD = "time_too_old"
    IMPACT_FORMAT = "impact_format"
    IMPACT_REPEATED = "impact_repeated"
    IMPACT_TOO_LARGE = "impact_too_large"
    LOCATION_INVALID = "location_invalid"
    NOT_TEXT = "not_text"


class InputError(ValueError):
    """The input cannot be used; `reason` says why."""

    def __init__(self, reason: InputProblem, **details: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.details = details


def bounded_text(value: str, minimum: int, maximum: int) -> str:
    """Clean text and check its length (in characters) lies within bounds."""
    cleaned = clean_text(value)
    if len(cleaned) < minimum:
        raise InputError(InputProblem.TOO_SHORT, minimum=minimum, length=len(cleaned))
    if len(cleaned) > maximum:
        raise InputError(InputProblem.TOO_LONG, maximum=maximum, length=len(cleaned))
    return cleaned


_TIME = r"(?P<hour>\d{1,2})[.:](?P<minute>\d{2})(?:\s*น\.?)?"
_DATE = r"(?P<day>\d{1,2})/(?P<month>\d{1,2})(?:/(?P<year>\d{2}|\d{4}))?"
_TIME_ONLY_RE = re.compile(rf"^{_TIME}$")
_DATE_TIME_RE = re.compile(rf"^{_DATE}\s+{_TIME}$")


def _year(text: str | None, today: date) -> int:
    """A Gregorian year from a typed one: 4 digits B.E. (>= 2400) or C.E.; 2 digits B.E."""
    if text is None:
        return today.year
    number = int(text)
    if len(text) == 2:
        return 2500 + number - 543
    return number - 543 if number >= 2400 else number


def parse_occurred_at(text: str, now: datetime, tz: tzinfo) -> datetime:
    """Parse `14.30`, `14:30`, `28/11 14.30` or `28/11/2569 14.30` as local time, in UTC;
    a time alone that is later than now is yesterday's."""
    cleaned = ascii_digits(clean_text(text)).replace("น.", "").strip()
    local_now = now.astimezone(tz)
    match = _TIME_ONLY_RE.match(cleaned) or _DATE_TIME_RE.match(cleaned)
    if match is None:
        raise InputError(InputProblem.TIME_FORMAT)
    parts = match.groupdict()
    try:
        clock = time(int(parts["hour"]), int(parts["minute"]))
        if parts.get("day"):
            day = date(
                _year(parts.get("year"), local_now.date()), int(parts["month"]), int(parts["day"])
            )
        else:
            day = local_now.date()
    except ValueError:
        raise InputError(InputProblem.TIME_INVALID) from None
    moment = datetime.combine(day, clock, tzinfo=tz)
    if not parts.get("day") and moment > local_now + FUTURE_TOLERANCE:
        # A time of day still to come today is the most recent one: yesterday's.
        moment = datetime.combine(day - timedelta(days=1), clock, tzinfo=tz)
    if moment > local_now + FUTURE_TOLERANCE:
        raise InputError(InputProblem.TIME_FUTURE)
    if moment < local_now - OLDEST_ACCEPTED:
        raise InputError(InputProblem.TIME_TOO_OLD)
    return moment.astimezone(now.tzinfo)


@dataclass(frozen=True, slots=True)
class ImpactFigures:
    """Counts as typed; None where the reporter did not say (unknown, not zero)."""

    dead: int | None = None
    injured: int | None = None
    missing: int | None = None
    households: int | None = None


_IMPACT_WORDS: dict[str, tuple[str, ...]] = {
    "dead": ("เสียชีวิต", "ตาย", "dead"),
    "injured": ("บาดเจ็บ", "เจ็บ", "injured"),
    "missing": ("สูญหาย", "หาย", "missing"),
    "households": ("ครัวเรือน", "หลังคาเรือน", "ครอบครัว", "บ้าน", "households"),
}
_NUMBER_AFTER = r"\s*[:=]?\s*(\d{1,7})(?!\d)"
MAX_COUNT = 1_000_000


def parse_impact(text: str) -> ImpactFigures:
    """Read figures such as `เสียชีวิต 1 บาดเจ็บ 3 ครัวเรือน 120`; unnamed ones stay unknown."""
    cleaned = ascii_digits(clean_text(text)).replace(",", "")
    found: dict[str, int] = {}
    for field, words in _IMPACT_WORDS.items():
        # Longest words first, so "บาดเจ็บ" is not read as "เจ็บ" twice.
        pattern = "|".join(sorted(map(re.escape, words), key=len, reverse=True))
        for match in re.finditer(rf"(?:{pattern}){_NUMBER_AFTER}", cleaned, re.IGNORECASE):
            if field in found:
                raise InputError(InputProblem.IMPACT_REPEATED)
            found[field] = int(match.group(1))
    if not found:
        raise InputError(InputProblem.IMPACT_FORMAT)
    if any(value > MAX_COUNT for value in found.values()):
        raise InputError(InputProblem.IMPACT_TOO_LARGE)
    return ImpactFigures(**found)
