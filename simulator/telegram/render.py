"""Message text with its entities as browser HTML, the way a Telegram app shows it."""

from __future__ import annotations

from html import escape
from itertools import pairwise
from typing import Any

# MessageEntity type -> (opening tag, closing tag). Types left out are shown as plain text.
_SIMPLE = {
    "bold": ("<b>", "</b>"),
    "italic": ("<i>", "</i>"),
    "underline": ("<u>", "</u>"),
    "strikethrough": ("<s>", "</s>"),
    "spoiler": ('<span class="tg-spoiler">', "</span>"),
    "code": ("<code>", "</code>"),
    "blockquote": ("<blockquote>", "</blockquote>"),
    "expandable_blockquote": ('<blockquote class="expandable">', "</blockquote>"),
}


def _tags(entity: dict[str, Any], covered: str) -> tuple[str, str]:
    kind = entity.get("type")
    if kind in _SIMPLE:
        return _SIMPLE[str(kind)]
    if kind == "pre":
        language = entity.get("language")
        css = f' class="language-{escape(str(language))}"' if language else ""
        return f"<pre><code{css}>", "</code></pre>"
    if kind == "text_link":
        return f'<a href="{escape(str(entity.get("url", "")))}">', "</a>"
    if kind == "url":
        href = covered if "://" in covered else f"http://{covered}"
        return f'<a href="{escape(href)}">', "</a>"
    if kind == "text_mention":
        user = entity.get("user") or {}
        return f'<a href="tg://user?id={int(user.get("id", 0))}">', "</a>"
    return "", ""


def entities_to_html(text: str, entities: list[dict[str, Any]]) -> str:
    """Escaped ``text`` with the entities as tags (offsets in UTF-16 code units).

    Entities Telegram produces nest properly; overlapping ones are closed and reopened.
    """
    units = text.encode("utf-16-le")
    # Python index of each UTF-16 offset (a surrogate pair is one character).
    index: dict[int, int] = {}
    offset = 0
    for position, character in enumerate(text):
        index[offset] = position
        offset += 2 if ord(character) > 0xFFFF else 1
    index[offset] = len(text)
    total = len(units) // 2
    spans = []
    for entity in entities:
        start = int(entity.get("offset", 0))
        end = min(start + int(entity.get("length", 0)), total)
        if start in index and end in index and end > start:
            covered = text[index[start] : index[end]]
            opening, closing = _tags(entity, covered)
            if opening:
                spans.append((start, end, opening, closing))
    spans.sort(key=lambda span: (span[0], -span[1]))
    cuts = sorted({0, total} | {s[0] for s in spans} | {s[1] for s in spans})
    out: list[str] = []
    stack: list[tuple[int, int, str, str]] = []
    for here, following in pairwise(cuts):
        # Close what ends here; what was opened inside it is closed first and reopened.
        ending = [s for s in stack if s[1] <= here]
        if ending:
            depth = min(stack.index(s) for s in ending)
            reopen = [s for s in stack[depth:] if s[1] > here]
            for span in reversed(stack[depth:]):
                out.append(span[3])
            del stack[depth:]
            for span in reopen:
                out.append(span[2])
                stack.append(span)
        for span in spans:
            if span[0] == here:
                out.append(span[2])
                stack.append(span)
        out.append(escape(text[index[here] : index[following]], quote=False))
    for span in reversed(stack):
        out.append(span[3])
    return "".join(out)
