"""Buttons of the report conversation, and the button data that comes back."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from incidents.provinces import ProvinceData
from incidents.reports.draft import EDITABLE, DraftData
from incidents.reports.steps import BACK_TO_REVIEW, OFFSETS_MINUTES
from incidents.text import report as t
from storage.models import Category, ReportStep, Urgency

PREFIX = "r"
REVIEW_ACTIONS = ("confirm", "cancel")
EDIT = "edit"
Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup


@dataclass(frozen=True, slots=True)
class ButtonData:
    """Decoded `r|<draft token>|<step or edit/review>|<value>` button data."""

    token: str
    step: str
    value: str

    def encode(self) -> str:
        """The callback_data string (always well under Telegram's 64 bytes)."""
        return f"{PREFIX}|{self.token}|{self.step}|{self.value}"

    @classmethod
    def decode(cls, data: str) -> ButtonData | None:
        """Parse button data; anything malformed (or forged) gives None."""
        parts = data.split("|")
        if len(parts) != 4 or parts[0] != PREFIX or not all(parts[1:]):
            return None
        return cls(parts[1], parts[2], parts[3])


def _button(label: str, token: str, step: str, value: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=ButtonData(token, step, value).encode())


def _rows(buttons: list[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + width] for i in range(0, len(buttons), width)]


def main_menu() -> ReplyKeyboardMarkup:
    """The persistent keyboard with the report button."""
    return ReplyKeyboardMarkup(
        [[KeyboardButton(t.REPORT_BUTTON)]], resize_keyboard=True, is_persistent=True
    )


def location_keyboard() -> ReplyKeyboardMarkup:
    """Share-location and skip, as reply buttons (only those can ask for a location)."""
    return ReplyKeyboardMarkup(
        [[KeyboardButton(t.BUTTON_SHARE_LOCATION, request_location=True)], [t.BUTTON_SKIP]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def step_keyboard(
    step: ReportStep, token: str, data: DraftData, province: ProvinceData, own_district: str | None
) -> Markup | None:
    """The buttons for a step (None for free-text steps with nothing to press)."""
    s = step.value
    rows: list[list[InlineKeyboardButton]] = []
    match step:
        case ReportStep.CATEGORY:
            rows = _rows([_button(t.CATEGORY_LABELS[c], token, s, c.value) for c in Category], 2)
        case ReportStep.URGENCY:
            rows = [
                [_button(f"{t.URGENCY_ICONS[u]} {t.URGENCY_LABELS[u]}", token, s, u.value)]
                for u in Urgency
            ]
        case ReportStep.DDPM_LEVEL:
            levels = [_button(label, token, s, str(n)) for n, label in t.DDPM_LABELS.items()]
            rows = [*_rows(levels, 2), [_button(t.BUTTON_UNKNOWN, token, s, "unknown")]]
        case ReportStep.DISTRICT:
            districts = sorted(province.districts, key=lambda d: d.code != own_district)
            rows = _rows([_button(d.name_th, token, s, d.code) for d in districts], 3)
        case ReportStep.LOCATION:
            return location_keyboard()
        case ReportStep.LOCATION_CONFIRM:
            rows = [
                [_button(t.BUTTON_USE_LOCATION, token, s, "use")],
                [_button(t.BUTTON_RETRY_LOCATION, token, s, "retry")],
                [_button(t.BUTTON_SKIP, token, s, "skip")],
            ]
        case ReportStep.OCCURRED_AT:
            offsets = [_button(t.OFFSET_LABELS[m], token, s, str(m)) for m in OFFSETS_MINUTES]
            rows = [[_button(t.BUTTON_NOW, token, s, "now")], *_rows(offsets, 2)]
        case ReportStep.IMPACT:
            rows = [
                [_button(t.BUTTON_IMPACT_NONE, token, s, "none")],
                [_button(t.BUTTON_IMPACT_UNKNOWN, token, s, "unknown")],
            ]
        case ReportStep.DAMAGE:
            rows = [[_button(t.BUTTON_SKIP, token, s, "skip")]]
        case ReportStep.ATTACHMENTS:
            rows = [[_button(t.BUTTON_DONE, token, s, "done")]]
        case _:
            rows = []
    if data.next_step() is ReportStep.REVIEW:
        # Changing one field from the review: offer the way back without changing it.
        rows.append([_button(t.BUTTON_BACK_TO_REVIEW, token, s, BACK_TO_REVIEW)])
    return InlineKeyboardMarkup(rows) if rows else None


def review_keyboard(token: str, data: DraftData) -> InlineKeyboardMarkup:
    """Edit buttons for every field, then confirm and cancel."""
    fields = [step for step in EDITABLE if step is not ReportStep.DDPM_LEVEL or data.applies_ddpm]
    edits = [_button(t.BUTTON_EDIT + t.STEP_NAMES[f], token, EDIT, f.value) for f in fields]
    return InlineKeyboardMarkup(
        [
            *_rows(edits, 2),
            [_button(t.BUTTON_CONFIRM, token, "review", "confirm")],
            [_button(t.BUTTON_CANCEL, token, "review", "cancel")],
        ]
    )


def labels_for(step: ReportStep, province: ProvinceData) -> dict[str, str]:
    """Button labels a reporter might type instead of pressing, by choice key."""
    match step:
        case ReportStep.CATEGORY:
            return {c.value: t.CATEGORY_LABELS[c] for c in Category}
        case ReportStep.URGENCY:
            return {u.value: t.URGENCY_LABELS[u] for u in Urgency}
        case ReportStep.DISTRICT:
            return {d.code: d.name_th for d in province.districts}
        case ReportStep.LOCATION:
            return {"skip": t.BUTTON_SKIP}
        case ReportStep.DAMAGE:
            return {"skip": t.BUTTON_SKIP}
        case _:
            return {}
