"""Cleaning what people type, in the bot and on the web, the same way everywhere."""

from __future__ import annotations

import unicodedata

# Zero-width and bidi control characters that ride along with copied text.
_INVISIBLE = dict.fromkeys(
    [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x200E, 0x200F, *range(0x202A, 0x202F)]
)


def clean_text(value: str) -> str:
    """Normalise Unicode, drop invisible controls, keep line breaks, trim each line."""
    value = unicodedata.normalize("NFC", value).translate(_INVISIBLE)
    value = "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    lines = [" ".join(line.split()) for line in value.replace("\r", "\n").split("\n")]
    return "\n".join(lines).strip()


def clean_line(value: str) -> str:
    """Clean text meant for one line (a search box, a form field): breaks become spaces."""
    return " ".join(clean_text(value).split())


# Thai digits (๐-๙) are common on Thai keyboards; they read as ASCII digits.
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def ascii_digits(value: str) -> str:
    """The text with Thai digits written as ASCII ones."""
    return value.translate(_THAI_DIGITS)


# A spreadsheet reads a cell starting with one of these as a formula; an apostrophe keeps it text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: object) -> str:
    """A value for a CSV cell that Excel opens as text, never as a formula (empty for None)."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
