"""Text the catalogue gives to every channel: runs of plain, bold, italic, code or link text.

The core never writes a parse mode. A channel adapter turns a `Text` into what its platform
reads (Telegram HTML with every run escaped, plain text for LINE), so nothing a person typed can
ever become markup. Build with `Text(...)`, `+`, `Text.join`, and `b`, `i`, `code`, `link`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeAlias


class Style(StrEnum):
    """How a run of text is shown."""

    PLAIN = "plain"
    BOLD = "bold"
    ITALIC = "italic"
    CODE = "code"
    LINK = "link"


@dataclass(frozen=True, slots=True)
class Span:
    """One run of text in one style (a link carries its address)."""

    text: str
    style: Style = Style.PLAIN
    url: str = ""


Part: TypeAlias = "str | Span | Text"


class Text:
    """An immutable sequence of spans; adjacent plain runs are merged."""

    __slots__ = ("spans",)

    def __init__(self, *parts: Part) -> None:
        spans: list[Span] = []
        for part in parts:
            for span in _spans_of(part):
                if not span.text:
                    continue
                if spans and _same_style(spans[-1], span):
                    spans[-1] = Span(spans[-1].text + span.text, span.style, span.url)
                else:
                    spans.append(span)
        self.spans: tuple[Span, ...] = tuple(spans)

    def __add__(self, other: Part) -> Text:
        return Text(self, other)

    def __radd__(self, other: Part) -> Text:
        return Text(other, self)

    def __bool__(self) -> bool:
        return bool(self.spans)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Text) and self.spans == other.spans

    def __hash__(self) -> int:
        return hash(self.spans)

    def __repr__(self) -> str:
        return f"Text({self.plain()!r})"

    def __iter__(self) -> Iterator[Span]:
        return iter(self.spans)

    @classmethod
    def join(cls, separator: Part, items: Iterable[Part]) -> Text:
        """The items with `separator` between them."""
        parts: list[Part] = []
        for index, item in enumerate(items):
            if index:
                parts.append(separator)
            parts.append(item)
        return cls(*parts)

    def plain(self) -> str:
        """The text as a person reads it, without any styling."""
        return "".join(span.text for span in self.spans)

    def to_json(self) -> list[list[str]]:
        """A JSON-able form (for outbox rows): [text, style] or [text, "link", url]."""
        return [
            [s.text, s.style.value, s.url] if s.style is Style.LINK else [s.text, s.style.value]
            for s in self.spans
        ]

    @classmethod
    def from_json(cls, value: Any) -> Text:
        """Read back what `to_json` wrote (a bare string reads as plain text)."""
        if isinstance(value, str):
            return cls(value)
        spans = []
        for item in value:
            text, style = str(item[0]), Style(item[1])
            spans.append(Span(text, style, str(item[2]) if len(item) > 2 else ""))
        return cls(*spans)


def _spans_of(part: Part) -> tuple[Span, ...]:
    if isinstance(part, Text):
        return part.spans
    if isinstance(part, Span):
        return (part,)
    return (Span(str(part)),)


def _same_style(a: Span, b: Span) -> bool:
    return a.style is b.style and a.url == b.url and a.style is not Style.LINK


def b(text: str) -> Span:
    """Bold."""
    return Span(text, Style.BOLD)


def i(text: str) -> Span:
    """Italic."""
    return Span(text, Style.ITALIC)


def code(text: str) -> Span:
    """Fixed-width, e.g. an id to copy."""
    return Span(text, Style.CODE)


def link(text: str, url: str) -> Span:
    """A link with its label."""
    return Span(text, Style.LINK, url)
