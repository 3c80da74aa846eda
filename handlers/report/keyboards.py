"""Telegram's keyboards for the report conversation: the persistent report button, the
share-location request, and a prompt's buttons through the one codec (handlers/markup.py)."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

from handlers import markup
from incidents.reports.prompting import Prompt
from incidents.text import report as t

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup


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


def prompt_markup(prompt: Prompt) -> Markup | None:
    """The keyboard under a prompt: the location request, or its inline buttons."""
    if prompt.asks_location:
        return location_keyboard()
    return markup.keyboard(prompt.buttons)
