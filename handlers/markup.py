"""The core's texts and buttons as Telegram shows them: HTML with every run escaped, and
inline keyboards whose data comes from the one codec."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from handlers import codec
from incidents.actions import Button, Buttons
from incidents.text.rich import Style, Text

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
