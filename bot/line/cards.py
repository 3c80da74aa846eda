"""The alert as a LINE Flex Message, and the catalogue's `Text` as a LINE text message.

The bubble: a header coloured by urgency (urgency, category, reference, the drill mark), the
photos (the first across it, three more in a row; signed, expiring addresses on the web log:
incidents/photolinks), body
rows (place, times, reporter, figures, damage, attachments), the description cut to keep the
bubble under LINE's 30 KB, the status line, and a footer of postback buttons (data from
bot/line/codec) and a link to the web page. `altText`, what a lock screen and the chat list
show, leads with urgency, category and district.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from linebot.v3.messaging import FlexMessage, TextMessage

from bot.line import codec
from incidents.actions import Button
from incidents.outbox.card import AlertCard
from incidents.text import alert as t
from incidents.text import card as c
from incidents.text.fitting import measure, shorten
from incidents.text.rich import Style, Text

TEXT_LIMIT = 5000  # UTF-16 code units of a text message
ALT_TEXT_LIMIT = 1500
BUBBLE_BYTES = 30 * 1024  # the bubble's JSON, UTF-8
LABEL_LIMIT = 40  # a Flex button's label
# A long description belongs on the web page: the card shows at most this much of it.
DESCRIPTION_LIMIT = 2000
# Room kept under the bubble limit for what LINE may count differently.
_MARGIN_BYTES = 512

COLOURS = {"red": "#C62828", "orange": "#E65100", "yellow": "#F9A825"}
_HEADER_TEXT = {"red": "#FFFFFF", "orange": "#FFFFFF", "yellow": "#212121"}


def text_message(text: Text) -> TextMessage:
    """Plain text for LINE, which has no formatting: styles dropped, a link kept as its label
    and address, cut at 5000 UTF-16 units."""
    parts = []
    for span in text:
        if span.style is Style.LINK and span.url and span.url != span.text:
            parts.append(f"{span.text} ({span.url})")
        else:
            parts.append(span.text)
    return TextMessage(text=shorten("".join(parts), TEXT_LIMIT))


def alt_text(card: AlertCard) -> str:
    """The notification's text: urgency, category and district first."""
    lines = [card.lead]
    if card.drill:
        lines.append(card.drill)
    lines.append(f"{card.reference} · {c.ROW_OCCURRED} {card.occurred}")
    if card.related:
        lines.append(card.related)
    lines.append(card.description)
    return shorten("\n".join(lines), ALT_TEXT_LIMIT)


def _text(value: str, **style: Any) -> dict[str, Any]:
    return {"type": "text", "text": value, "wrap": True, **style}


def _row(label: str, value: str) -> dict[str, Any]:
    return {
        "type": "box",
        "layout": "baseline",
        "spacing": "sm",
        "contents": [
            _text(label, color="#777777", size="sm", flex=2),
            _text(value, size="sm", flex=5),
        ],
    }


def line_uri(url: str) -> str:
    """LINE takes only percent-encoded URIs (a reference is Thai); reserved characters stay."""
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~")


def button_json(button: Button) -> dict[str, Any]:
    """A Flex button: a postback of the core action, or a link."""
    label = shorten(button.label, LABEL_LIMIT)
    if button.action is not None:
        action = {
            "type": "postback",
            "label": label,
            "data": codec.encode(button.action),
            "displayText": button.label,
        }
        return {"type": "button", "style": "primary", "height": "sm", "action": action}
    assert button.url is not None
    action = {"type": "uri", "label": label, "uri": line_uri(button.url)}
    return {"type": "button", "style": "link", "height": "sm", "action": action}


def _header(card: AlertCard) -> dict[str, Any]:
    colour = _HEADER_TEXT[card.colour]
    contents = [
        _text(card.urgency_label, weight="bold", size="lg", color=colour),
        _text(card.category, size="sm", color=colour),
        _text(card.reference, size="xs", color=colour),
    ]
    if card.drill:
        contents.insert(0, _text(card.drill, weight="bold", size="sm", color=colour))
    return {
        "type": "box",
        "layout": "vertical",
        "backgroundColor": COLOURS[card.colour],
        "contents": contents,
    }


def _body(card: AlertCard, description: str) -> dict[str, Any]:
    rows = [
        *([_text(card.related, weight="bold", size="sm")] if card.related else []),
        _row(c.ROW_PLACE, f"{card.district} — {card.place}"),
        _row(c.ROW_OCCURRED, card.occurred),
        _row(c.ROW_RECEIVED, card.received),
        _row(c.ROW_REPORTER, card.reporter),
        _row(c.ROW_PHONE, card.phone),
        *(_row(figure.label, figure.text) for figure in card.figures),
    ]
    if card.damage:
        rows.append(_row(c.ROW_DAMAGE, card.damage))
    if card.attachments:
        rows.append(_row(c.ROW_ATTACHMENTS, card.attachments))
    contents: list[dict[str, Any]] = [_more_photos(card)] if len(card.photo_urls) > 1 else []
    contents += [
        {"type": "box", "layout": "vertical", "spacing": "sm", "contents": rows},
        {"type": "separator", "margin": "md"},
        _text(c.DESCRIPTION, weight="bold", size="sm", margin="md"),
    ]
    if description:
        contents.append(_text(description, size="sm"))
    contents.append({"type": "separator", "margin": "md"})
    contents.append(_text(card.status, size="sm", margin="md", weight="bold"))
    return {"type": "box", "layout": "vertical", "spacing": "sm", "contents": contents}


def _image(card: AlertCard, url: str, ratio: str, **layout: Any) -> dict[str, Any]:
    """A photo of the card; a tap opens the incident's web page."""
    image: dict[str, Any] = {
        "type": "image",
        "url": line_uri(url),
        "size": "full",
        "aspectRatio": ratio,
        "aspectMode": "cover",
        **layout,
    }
    if card.web_url:
        image["action"] = {"type": "uri", "label": c.ON_WEB, "uri": line_uri(card.web_url)}
    return image


def _more_photos(card: AlertCard) -> dict[str, Any]:
    """The photos after the first, side by side."""
    return {
        "type": "box",
        "layout": "horizontal",
        "spacing": "xs",
        "contents": [_image(card, url, "1:1", flex=1) for url in card.photo_urls[1:]],
    }


def _bubble(card: AlertCard, description: str) -> dict[str, Any]:
    bubble: dict[str, Any] = {"type": "bubble", "header": _header(card)}
    if card.photo_urls:
        bubble["hero"] = _image(card, card.photo_urls[0], "20:13")
    bubble["body"] = _body(card, description)
    if card.buttons:
        bubble["footer"] = {
            "type": "box",
            "layout": "vertical",
            "spacing": "sm",
            "contents": [button_json(button) for button in card.buttons],
        }
    return bubble


def size_of(node: Any) -> int:
    """A Flex container's size as LINE counts it: its compact JSON in UTF-8."""
    return len(json.dumps(node, ensure_ascii=False, separators=(",", ":")).encode())


def alert_bubble(card: AlertCard) -> dict[str, Any]:
    """The bubble as JSON, the description cut so the whole stays under LINE's limit."""
    description = card.description
    limit = DESCRIPTION_LIMIT
    while True:
        cut = shorten(description, limit, mark=t.MORE_ON_WEB) if description else ""
        bubble = _bubble(card, cut)
        if size_of(bubble) <= BUBBLE_BYTES - _MARGIN_BYTES or limit == 0:
            return bubble
        # Every UTF-16 unit is at most 3 bytes of UTF-8 (plus JSON escaping): shrink by the
        # overflow, and at least by a tenth, so this ends in a few rounds.
        over = size_of(bubble) - (BUBBLE_BYTES - _MARGIN_BYTES)
        limit = max(0, min(limit - limit // 10, measure(cut) - over // 3 - 1))


def alert_message(card: AlertCard) -> FlexMessage:
    """The alert as one Flex Message."""
    return FlexMessage.from_dict(
        {"type": "flex", "altText": alt_text(card), "contents": alert_bubble(card)}
    )
