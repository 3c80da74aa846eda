"""The core's texts and buttons as Telegram shows them: HTML with every run escaped, inline
keyboards whose data comes from the one codec, and the reply keyboards the core names."""

from __future__ import annotations

from html import escape

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from handlers import codec
from incidents.actions import Button, Buttons, ReplyKeyboard
from incidents.text import report as report_texts
from incidents.text.rich import Style, Text

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove

_TAGS = {Style.BOLD: "b", Style.ITALIC: "i", Style.CODE: "code"}


def html(text: Text | str) -> str:
    """Telegram HTML for a text (plain strings are escaped as they are)."""
    # Quotes are escaped too, as every text was before it became `Text`: what reaches the Bot
    # API stays byte for byte the same.
    if isinstance(text, str):
        return escape(text)
    out: list[str] = []
    for span in text:
        body = escape(span.text)
        if span.style is Style.LINK:
            out.append(f'<a href="{escape(span.url, quote=True)}">{body}</a>')
        elif span.style in _TAGS:
            tag = _TAGS[span.style]
            out.append(f"<{tag}>{body}</{tag}>")
        else:
            out.append(body)
    return "".join(out)


def inline_button(button: Button) -> InlineKeyboardButton:
    """One inline button: its action encoded, or its address."""
    if button.action is not None:
        return InlineKeyboardButton(button.label, callback_data=codec.encode(button.action))
    return InlineKeyboardButton(button.label, url=button.url)


def keyboard(buttons: Buttons) -> InlineKeyboardMarkup | None:
    """An inline keyboard, or None when there are no buttons."""
    rows = [[inline_button(button) for button in row] for row in buttons if row]
    return InlineKeyboardMarkup(rows) if rows else None


def main_menu() -> ReplyKeyboardMarkup:
    """The persistent keyboard with the report button."""
    return ReplyKeyboardMarkup(
        [[KeyboardButton(report_texts.REPORT_BUTTON)]], resize_keyboard=True, is_persistent=True
    )


def location_keyboard() -> ReplyKeyboardMarkup:
    """Share-location and skip, as reply buttons (only those can ask for a location)."""
    return ReplyKeyboardMarkup(
        [
            [KeyboardButton(report_texts.BUTTON_SHARE_LOCATION, request_location=True)],
            [report_texts.BUTTON_SKIP],
        ],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def reply_keyboard(choice: ReplyKeyboard) -> ReplyKeyboardMarkup | ReplyKeyboardRemove | None:
    """The reply keyboard the core named, drawn for Telegram."""
    match choice:
        case ReplyKeyboard.MAIN_MENU:
            return main_menu()
        case ReplyKeyboard.LOCATION:
            return location_keyboard()
        case ReplyKeyboard.REMOVE:
            return ReplyKeyboardRemove()
    return None


def markup_of(buttons: Buttons, choice: ReplyKeyboard = ReplyKeyboard.NONE) -> Markup | None:
    """A message's one markup: its inline buttons, else the reply keyboard it sets."""
    return keyboard(buttons) or reply_keyboard(choice)
