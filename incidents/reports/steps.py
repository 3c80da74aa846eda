"""Applying a reporter's answer to the draft, step by step; every refusal is an InputError."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from incidents.provinces import ProvinceData
from incidents.reports import parsing
from incidents.reports.draft import DraftData
from incidents.reports.parsing import InputError, InputProblem
from incidents.text.fitting import TELEGRAM_TEXT_LIMIT
from storage.models import Category, DdpmLevel, ReportStep, Urgency

PLACE_LIMITS = (3, 300)
# As long as one Telegram message can be: what the reporter could send is never refused.
DESCRIPTION_LIMITS = (10, TELEGRAM_TEXT_LIMIT)
DAMAGE_LIMITS = (2, 1000)
# "When did it happen" buttons: minutes before now.
OFFSETS_MINUTES = (15, 30, 60, 120, 360)

BACK_TO_REVIEW = "review"


@dataclass(frozen=True, slots=True)
class Answer:
    """The draft after an answer, and the step to ask next."""

    data: DraftData
    step: ReportStep


def _advance(data: DraftData) -> Answer:
    return Answer(data, data.next_step())


def _copy(data: DraftData) -> DraftData:
    return data.model_copy(deep=True)


def choose(
    data: DraftData, step: ReportStep, value: str, now: datetime, province: ProvinceData
) -> Answer:
    """Apply a button press `value` at `step`."""
    if value == BACK_TO_REVIEW:
        return _advance(data)
    new = _copy(data)
    try:
        match step:
            case ReportStep.DRILL:
                # Only an explicit "drill" marks the report; anything else is a real incident.
                new.drill_id = new.drill_offered if value == "drill" else None
                new.drill_answered = True
            case ReportStep.CATEGORY:
                new.category = Category(value)
                if not new.category.is_disaster:
                    new.ddpm_level, new.ddpm_answered = None, False
            case ReportStep.URGENCY:
                new.urgency = Urgency(value)
            case ReportStep.DDPM_LEVEL:
                new.ddpm_level = None if value == "unknown" else int(DdpmLevel(int(value)))
                new.ddpm_answered = True
            case ReportStep.DISTRICT:
                if province.district(value) is None:
                    raise InputError(InputProblem.STALE_CHOICE)
                new.district_code = value
            case ReportStep.LOCATION if value == "skip":
                new.latitude = new.longitude = None
                new.location_answered = True
            case ReportStep.LOCATION_CONFIRM:
                return _confirm_location(new, value)
            case ReportStep.OCCURRED_AT:
                minutes = 0 if value == "now" else int(value)
                if minutes != 0 and minutes not in OFFSETS_MINUTES:
                    raise InputError(InputProblem.STALE_CHOICE)
                new.occurred_at = now - timedelta(minutes=minutes)
            case ReportStep.IMPACT if value in ("none", "unknown"):
                # "Nobody dead, injured or missing" says nothing about households affected.
                count = 0 if value == "none" else None
                new.dead = new.injured = new.missing = count
                new.households = None
                new.impact_answered = True
            case ReportStep.DAMAGE if value == "skip":
                new.damage_note = None
                new.damage_answered = True
            case ReportStep.ATTACHMENTS if value == "done":
                new.attachments_done = True
            case _:
                raise InputError(InputProblem.STALE_CHOICE)
    except ValueError as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError(InputProblem.STALE_CHOICE) from None
    return _advance(new)


def _confirm_location(new: DraftData, value: str) -> Answer:
    if value == "use" and new.pending_latitude is not None:
        new.latitude, new.longitude = new.pending_latitude, new.pending_longitude
    elif value == "retry":
        new.pending_latitude = new.pending_longitude = None
        return Answer(new, ReportStep.LOCATION)
    elif value == "skip":
        new.latitude = new.longitude = None
    else:
        raise InputError(InputProblem.STALE_CHOICE)
    new.pending_latitude = new.pending_longitude = None
    new.location_answered = True
    return _advance(new)


def _match_label(text: str, labels: dict[str, str]) -> str | None:
    """The key whose Thai label the reporter typed (ignoring spaces), if any."""
    typed = "".join(parsing.clean_text(text).split())
    for key, label in labels.items():
        if typed and typed == "".join(label.split()):
            return key
    return None


def write(
    data: DraftData,
    step: ReportStep,
    text: str,
    now: datetime,
    tz: tzinfo,
    province: ProvinceData,
    labels: dict[str, str] | None = None,
) -> Answer:
    """Apply typed `text` at `step`; `labels` lets a typed button label count as the choice."""
    key = _match_label(text, labels or {})
    if key is not None:
        return choose(data, step, key, now, province)
    new = _copy(data)
    match step:
        case ReportStep.PLACE:
            new.place = parsing.bounded_text(text, *PLACE_LIMITS)
        case ReportStep.OCCURRED_AT:
            new.occurred_at = parsing.parse_occurred_at(text, now, tz)
        case ReportStep.DESCRIPTION:
            new.description = parsing.bounded_text(text, *DESCRIPTION_LIMITS)
        case ReportStep.IMPACT:
            figures = parsing.parse_impact(text)
            new.dead, new.injured = figures.dead, figures.injured
            new.missing, new.households = figures.missing, figures.households
            new.impact_answered = True
        case ReportStep.DAMAGE:
            new.damage_note = parsing.bounded_text(text, *DAMAGE_LIMITS)
            new.damage_answered = True
        case _:
            raise InputError(InputProblem.USE_BUTTONS)
    return _advance(new)


def locate(
    data: DraftData, step: ReportStep, latitude: float, longitude: float, province: ProvinceData
) -> Answer:
    """Apply a location pin sent at any step: it answers the location question, and the
    current step is asked again; one outside the province is held until the reporter confirms."""
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise InputError(InputProblem.LOCATION_INVALID)
    new = _copy(data)
    if not province.bounds.contains(latitude, longitude):
        new.pending_latitude, new.pending_longitude = latitude, longitude
        return Answer(new, ReportStep.LOCATION_CONFIRM)
    new.latitude, new.longitude = latitude, longitude
    new.pending_latitude = new.pending_longitude = None
    new.location_answered = True
    if step in (ReportStep.LOCATION, ReportStep.LOCATION_CONFIRM):
        return _advance(new)
    return Answer(new, step)
