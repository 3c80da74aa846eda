"""Fitting text into Telegram's limits, which count visible UTF-16 code units."""

from __future__ import annotations

import html
import re
from html import escape

TELEGRAM_TEXT_LIMIT = 4096
TELEGRAM_CAPTION_LIMIT = 1024
_TAG = re.compile(r"<[^>]+>")


def visible_length(text_html: str) -> int:
    """Length of the text Telegram shows, in UTF-16 code units (how Telegram counts)."""
    plain = html.unescape(_TAG.sub("", text_html))
    return len(plain.encode("utf-16-le")) // 2


def _cut(plain: str, units: int) -> str:
    """The longest prefix of `plain` that fits in `units` UTF-16 code units."""
    encoded = plain.encode("utf-16-le")[: max(units, 0) * 2]
    return encoded.decode("utf-16-le", errors="ignore")


def fit(head: str, body_plain: str, tail: str, limit: int, more: str) -> str:
    """head + escaped body + tail within `limit` visible characters, cutting the body."""
    whole = head + escape(body_plain) + tail
    if visible_length(whole) <= limit:
        return whole
    room = limit - visible_length(head + tail + more) - 1
    return head + escape(_cut(body_plain, room)) + "…" + more + tail
