"""Shortening text to a limit without breaking what people read.

Every place that shortens text goes through `_clean_prefix`: it never splits a character
cluster (a Thai consonant from its vowel and tone marks, SARA AM from its syllable, an emoji
from its modifiers), never ends on a Thai leading vowel (เ แ โ ใ ไ belong to what follows),
and prefers to stop at a space near the end. Telegram's limits count UTF-16 code units of the
visible text, so that is the default measure; database columns and feeds count characters.
"""

from __future__ import annotations

import unicodedata
from enum import Enum

from incidents.text.rich import Span, Text

TELEGRAM_TEXT_LIMIT = 4096
TELEGRAM_CAPTION_LIMIT = 1024
ELLIPSIS = "…"

# Thai vowels written before the consonant they are read after.
_LEADING_VOWELS = frozenset("เแโใไ")
_SARA_AM = "\u0e33"
_ZWJ = "\u200d"
# Skin-tone modifiers, which belong to the emoji before them.
_EMOJI_MODIFIERS = range(0x1F3FB, 0x1F400)
# How far back from the cut a space may be, at most, to be preferred.
_SPACE_WINDOW_MAX = 40


class Units(Enum):
    """How a limit counts text."""

    UTF16 = "utf-16"  # Telegram's message, caption and entity limits
    CHARACTERS = "characters"  # database columns, feeds


def measure(text: str, units: Units = Units.UTF16) -> int:
    """The length of `text` in `units`."""
    if units is Units.CHARACTERS:
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def _joins_previous(char: str, previous: str) -> bool:
    """Whether `char` belongs to the cluster of the character before it."""
    if previous == _ZWJ or char in (_ZWJ, _SARA_AM) or ord(char) in _EMOJI_MODIFIERS:
        return True
    return unicodedata.category(char) in ("Mn", "Mc", "Me")


def _clusters(text: str) -> list[str]:
    """`text` as clusters that must stay whole (a base letter and what combines with it)."""
    clusters: list[str] = []
    for index, char in enumerate(text):
        if clusters and _joins_previous(char, text[index - 1]):
            clusters[-1] += char
        else:
            clusters.append(char)
    return clusters


def _clean_prefix(text: str, room: int, units: Units) -> str:
    """The longest prefix of `text` within `room` that ends cleanly (the one cutting rule)."""
    prefix: list[str] = []
    used = 0
    for cluster in _clusters(text):
        size = measure(cluster, units)
        if used + size > room:
            break
        prefix.append(cluster)
        used += size
    cut = "".join(prefix)
    at_word_end = len(cut) < len(text) and text[len(cut)].isspace()
    window = min(_SPACE_WINDOW_MAX, max(10, room // 3))
    space = max(cut.rfind(" "), cut.rfind("\n"))
    if not at_word_end and space > 0 and measure(cut[space:], units) <= window:
        cut = cut[:space]
    while True:
        trimmed = cut.rstrip()
        while trimmed and trimmed[-1] in _LEADING_VOWELS:
            trimmed = trimmed[:-1]
        if trimmed == cut:
            return cut
        cut = trimmed


def shorten(text: str, limit: int, *, mark: str = ELLIPSIS, units: Units = Units.UTF16) -> str:
    """`text` if it fits in `limit`, else a clean prefix followed by `mark`, within `limit`."""
    if measure(text, units) <= limit:
        return text
    room = limit - measure(mark, units)
    if room < 0:
        return _clean_prefix(mark, limit, units)
    return _clean_prefix(text, room, units) + mark


def fit_text(
    head: Text, body: str, tail: Text, limit: int, more: str, units: Units = Units.UTF16
) -> Text:
    """head + body + tail within `limit`, cutting the body (marked with … and `more`)."""
    whole = Text(head, body, tail)
    if measure(whole.plain(), units) <= limit:
        return whole
    room = limit - measure(head.plain() + tail.plain(), units)
    return Text(head, shorten(body, room, mark=ELLIPSIS + more, units=units), tail)


def fit_rich(text: Text, limit: int, more: str = "", units: Units = Units.UTF16) -> Text:
    """`text` within `limit`: cut inside a run, never across the style of one, with the mark
    (… and `more`) after the cut."""
    if measure(text.plain(), units) <= limit:
        return text
    mark = ELLIPSIS + more
    room = limit - measure(mark, units)
    kept: list[Span] = []
    used = 0
    for span in text:
        size = measure(span.text, units)
        if used + size <= room:
            kept.append(span)
            used += size
            continue
        cut = _clean_prefix(span.text, max(room - used, 0), units)
        if cut:
            kept.append(Span(cut, span.style, span.url))
        break
    return Text(*kept, mark)
