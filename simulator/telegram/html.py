"""Parser for Telegram's HTML formatting subset (``parse_mode=HTML``).

It turns a message text into the visible text plus a list of MessageEntity dicts
(offsets and lengths in UTF-16 code units, like the Bot API), or raises
:class:`HtmlParseError` with a message modelled on the ones Telegram returns after
``Bad Request: can't parse entities:``.

Strict mode (the default) enforces the documented rule that every ``<``, ``>`` and ``&``
that is not part of a tag or of a supported HTML entity is escaped. Telegram's server is
more lenient about a bare ``&`` or ``>``; ``strict=False`` accepts those like it does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "HtmlParseError",
    "parse_html",
    "strip_formatted",
    "utf16_len",
]

# Tag name -> MessageEntity type. ``span`` only with class="tg-spoiler".
_TAG_TYPES: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}

_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,8}|[a-zA-Z][a-zA-Z0-9]{0,30});")
_SPACE = " \t\r\n\f\v"


class HtmlParseError(ValueError):
    """The text is not valid Telegram HTML; ``detail`` follows "can't parse entities: "."""

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(f"can't parse entities: {detail}")


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit of Telegram's length limits."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _OpenTag:
    name: str
    byte_offset: int
    start: int  # UTF-16 offset in the visible text
    attrs: dict[str, str] = field(default_factory=dict)
    language: str | None = None  # set on <pre> by an inner <code class="language-x">


class _Parser:
    def __init__(self, source: str, strict: bool) -> None:
        self.src = source
        self.strict = strict
        self.pos = 0
        self.out: list[str] = []
        self.utf16 = 0
        self.stack: list[_OpenTag] = []
        self.entities: list[dict[str, Any]] = []

    def byte_offset(self, index: int) -> int:
        return len(self.src[:index].encode("utf-8"))

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.utf16 += utf16_len(text)

    def peek(self) -> str:
        return self.src[self.pos] if self.pos < len(self.src) else ""

    def decode_entity(self, at: int) -> tuple[str, int] | None:
        """Decode an HTML entity at ``at``; return (text, length) or None if unsupported."""
        match = _ENTITY_RE.match(self.src, at)
        if match is None:
            return None
        body = match.group(1)
        if body.startswith("#"):
            try:
                code = int(body[2:], 16) if body[1:2] in "xX" else int(body[1:])
            except ValueError:  # pragma: no cover - guarded by the regex
                return None
            if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                return None
            return chr(code), match.end() - at
        decoded = _NAMED_ENTITIES.get(body)
        return (decoded, match.end() - at) if decoded is not None else None

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        src = self.src
        while self.pos < len(src):
            ch = src[self.pos]
            if ch == "&":
                decoded = self.decode_entity(self.pos)
                if decoded is not None:
                    self.emit(decoded[0])
                    self.pos += decoded[1]
                    continue
                if self.strict:
                    raise HtmlParseError(
                        f'Unescaped "&" at byte offset {self.byte_offset(self.pos)}; '
                        'use "&amp;" for a literal ampersand'
                    )
            elif ch == ">" and self.strict:
                raise HtmlParseError(
                    f'Unescaped ">" at byte offset {self.byte_offset(self.pos)}; '
                    'use "&gt;" for a literal greater-than sign'
                )
            elif ch == "<":
                if src.startswith("</", self.pos):
                    self.close_tag()
                else:
                    self.open_tag()
                continue
            self.emit(ch)
            self.pos += 1
        if self.stack:
            raise HtmlParseError(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"'
            )
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities

    def read_until(self, stops: str) -> str:
        begin = self.pos
        while self.pos < len(self.src) and self.src[self.pos] not in stops:
            self.pos += 1
        return self.src[begin : self.pos]

    def skip_spaces(self) -> None:
        while self.pos < len(self.src) and self.src[self.pos] in _SPACE:
            self.pos += 1

    def open_tag(self) -> None:
        begin = self.pos
        offset = self.byte_offset(begin)
        self.pos += 1
        name = self.read_until(_SPACE + ">").lower()
        if self.pos >= len(self.src):
            raise HtmlParseError(f"Unclosed start tag at byte offset {offset}")
        if name not in _TAG_TYPES:
            raise HtmlParseError(f'Unsupported start tag "{name}" at byte offset {offset}')
        tag = _OpenTag(name=name, byte_offset=offset, start=self.utf16)
        while True:
            self.skip_spaces()
            if self.pos >= len(self.src):
                raise HtmlParseError(f"Unclosed start tag at byte offset {offset}")
            if self.peek() == ">":
                self.pos += 1
                break
            attr = self.read_until(_SPACE + "=>").lower()
            if not attr:
                raise HtmlParseError(
                    f'Empty attribute name in the tag "{name}" at byte offset {offset}'
                )
            self.skip_spaces()
            if self.peek() != "=":
                tag.attrs[attr] = ""
                continue
            self.pos += 1
            self.skip_spaces()
            tag.attrs[attr] = self.read_attribute_value(offset)
        self.check_open_tag(tag)
        self.stack.append(tag)

    def read_attribute_value(self, tag_offset: int) -> str:
        quote = self.peek()
        if quote not in ("'", '"'):
            value = self.read_until(_SPACE + ">")
            if self.pos >= len(self.src):
                raise HtmlParseError(f"Unclosed start tag at byte offset {tag_offset}")
            return value
        self.pos += 1
        parts: list[str] = []
        while self.pos < len(self.src) and self.src[self.pos] != quote:
            decoded = self.decode_entity(self.pos) if self.src[self.pos] == "&" else None
            if decoded is not None:
                parts.append(decoded[0])
                self.pos += decoded[1]
            else:
                parts.append(self.src[self.pos])
                self.pos += 1
        if self.pos >= len(self.src):
            raise HtmlParseError(f"Unclosed start tag at byte offset {tag_offset}")
        self.pos += 1
        return "".join(parts)

    def check_open_tag(self, tag: _OpenTag) -> None:
        if tag.name == "span" and tag.attrs.get("class") != "tg-spoiler":
            raise HtmlParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {tag.byte_offset}'
            )
        if tag.name == "tg-emoji" and not tag.attrs.get("emoji-id", "").isdigit():
            raise HtmlParseError(
                f'Tag "tg-emoji" must have a numeric "emoji-id" at byte offset {tag.byte_offset}'
            )

    def close_tag(self) -> None:
        begin = self.pos
        offset = self.byte_offset(begin)
        self.pos += 2
        name = self.read_until(_SPACE + ">").lower()
        self.skip_spaces()
        if self.peek() != ">":
            raise HtmlParseError(f"Unclosed end tag at byte offset {offset}")
        self.pos += 1
        if not self.stack:
            raise HtmlParseError(f"Unexpected end tag at byte offset {offset}")
        tag = self.stack.pop()
        if name and name != tag.name:
            raise HtmlParseError(
                f'Unmatched end tag at byte offset {offset}, expected "</{tag.name}>", '
                f'found "</{name}>"'
            )
        self.add_entity(tag)

    def add_entity(self, tag: _OpenTag) -> None:
        length = self.utf16 - tag.start
        entity_type = _TAG_TYPES[tag.name]
        language = tag.attrs.get("class", "")
        parent = self.stack[-1] if self.stack else None
        if tag.name == "code" and parent is not None and parent.name == "pre":
            # <pre><code class="language-x">...</code></pre> is one pre entity.
            if language.startswith("language-") and parent.start == tag.start:
                parent.language = language.removeprefix("language-")
            return
        if length <= 0:
            return
        entity: dict[str, Any] = {"type": entity_type, "offset": tag.start, "length": length}
        if tag.name == "a":
            href = tag.attrs.get("href", "")
            if not href:
                return
            entity["url"] = href
        elif tag.name == "pre" and tag.language:
            entity["language"] = tag.language
        elif tag.name == "blockquote" and "expandable" in tag.attrs:
            entity["type"] = "expandable_blockquote"
        elif tag.name == "tg-emoji":
            entity["custom_emoji_id"] = tag.attrs["emoji-id"]
        self.entities.append(entity)


def parse_html(source: str, *, strict: bool = True) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram HTML; return (visible text, entities). Raise HtmlParseError."""
    return _Parser(source, strict).run()


def strip_formatted(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Trim leading/trailing whitespace like Telegram does and shift/clip the entities."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    total = utf16_len(stripped)
    result: list[dict[str, Any]] = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, total)
        if end > start:
            result.append({**entity, "offset": start, "length": end - start})
    return stripped, result
