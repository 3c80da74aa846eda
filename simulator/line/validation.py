"""Validation of the `messages` array of push, reply and multicast requests."""

from __future__ import annotations

from typing import Any

from simulator.line.actions import Place, check_action
from simulator.line.checks import MUST_BE_SPECIFIED, Checker
from simulator.line.flex import check_container
from simulator.line.models import Detail, JSONDict, invalid_property

MAX_MESSAGES = 5
MESSAGE_TYPES = (
    "text",
    "textV2",
    "sticker",
    "image",
    "video",
    "audio",
    "location",
    "imagemap",
    "template",
    "flex",
)
# Message objects that can be quoted, so their `sentMessages` entry carries a quote token.
QUOTABLE_TYPES = frozenset({"text", "textV2", "sticker", "image", "video", "template", "flex"})
_TEMPLATES = ("buttons", "confirm", "carousel", "image_carousel")


def check_messages(value: Any, path: str = "messages") -> list[Detail]:
    """The `details` for a `messages` array (empty when it is valid)."""
    c = Checker()
    if value is None:
        c.fail(path, MUST_BE_SPECIFIED)
        return c.details
    if not isinstance(value, list):
        raise invalid_property(path)
    if not 1 <= len(value) <= MAX_MESSAGES:
        c.fail(path, f"Size must be between 1 and {MAX_MESSAGES}")
    for i, message in enumerate(value):
        _message(c, message, f"{path}[{i}]")
    return c.details


def _message(c: Checker, message: Any, path: str) -> None:
    if not isinstance(message, dict):
        raise invalid_property(path)
    kind = c.choice(message, "type", f"{path}.type", MESSAGE_TYPES, required=True)
    if kind is not None:
        _BY_TYPE[kind](c, message, path)
    _common(c, message, path)


def _common(c: Checker, message: JSONDict, path: str) -> None:
    quick = c.obj(message, "quickReply", f"{path}.quickReply", required=False)
    if quick is not None:
        items = c.array(quick, "items", f"{path}.quickReply.items", required=True, low=1, high=13)
        for i, item in enumerate(items):
            where = f"{path}.quickReply.items[{i}]"
            if not isinstance(item, dict):
                raise invalid_property(where)
            c.choice(item, "type", f"{where}.type", ("action",), required=True)
            c.url(item, "imageUrl", f"{where}.imageUrl", required=False)
            if item.get("action") is None:
                c.fail(f"{where}.action", MUST_BE_SPECIFIED)
            else:
                check_action(c, item["action"], f"{where}.action", Place.QUICK_REPLY)
    sender = c.obj(message, "sender", f"{path}.sender", required=False)
    if sender is not None:
        c.string(sender, "name", f"{path}.sender.name", required=False, limit=20)
        c.url(sender, "iconUrl", f"{path}.sender.iconUrl", required=False)


def _text(c: Checker, message: JSONDict, path: str) -> None:
    c.string(message, "text", f"{path}.text", required=True, limit=5000)
    emojis = c.array(message, "emojis", f"{path}.emojis", required=False, low=0, high=20)
    for i, emoji in enumerate(emojis):
        where = f"{path}.emojis[{i}]"
        if not isinstance(emoji, dict):
            raise invalid_property(where)
        c.number(emoji, "index", f"{where}.index", required=True)
        c.string(emoji, "productId", f"{where}.productId", required=True)
        c.string(emoji, "emojiId", f"{where}.emojiId", required=True)
    c.string(message, "quoteToken", f"{path}.quoteToken", required=False)


def _sticker(c: Checker, message: JSONDict, path: str) -> None:
    c.string(message, "packageId", f"{path}.packageId", required=True)
    c.string(message, "stickerId", f"{path}.stickerId", required=True)
    c.string(message, "quoteToken", f"{path}.quoteToken", required=False)


def _image(c: Checker, message: JSONDict, path: str) -> None:
    c.url(message, "originalContentUrl", f"{path}.originalContentUrl", required=True)
    c.url(message, "previewImageUrl", f"{path}.previewImageUrl", required=True)


def _video(c: Checker, message: JSONDict, path: str) -> None:
    _image(c, message, path)
    c.string(message, "trackingId", f"{path}.trackingId", required=False, limit=100)


def _audio(c: Checker, message: JSONDict, path: str) -> None:
    c.url(message, "originalContentUrl", f"{path}.originalContentUrl", required=True)
    c.number(message, "duration", f"{path}.duration", required=True)


def _location(c: Checker, message: JSONDict, path: str) -> None:
    c.string(message, "title", f"{path}.title", required=True, limit=100)
    c.string(message, "address", f"{path}.address", required=True, limit=100)
    c.number(message, "latitude", f"{path}.latitude", required=True)
    c.number(message, "longitude", f"{path}.longitude", required=True)


def _imagemap(c: Checker, message: JSONDict, path: str) -> None:
    c.url(message, "baseUrl", f"{path}.baseUrl", required=True)
    c.string(message, "altText", f"{path}.altText", required=True, limit=1500)
    size = c.obj(message, "baseSize", f"{path}.baseSize", required=True)
    if size is not None:
        c.number(size, "width", f"{path}.baseSize.width", required=True)
        c.number(size, "height", f"{path}.baseSize.height", required=True)
    c.array(message, "actions", f"{path}.actions", required=False, low=0, high=50)


def _flex(c: Checker, message: JSONDict, path: str) -> None:
    c.string(message, "altText", f"{path}.altText", required=True, limit=1500)
    contents = c.obj(message, "contents", f"{path}.contents", required=True)
    if contents is not None:
        check_container(c, contents, f"{path}.contents")


def _template(c: Checker, message: JSONDict, path: str) -> None:
    c.string(message, "altText", f"{path}.altText", required=True, limit=1500)
    template = c.obj(message, "template", f"{path}.template", required=True)
    if template is None:
        return
    where = f"{path}.template"
    kind = c.choice(template, "type", f"{where}.type", _TEMPLATES, required=True)
    if kind == "buttons":
        _titled_text(c, template, where, plain=160)
        _actions(c, template, where, low=1, high=4)
    elif kind == "confirm":
        c.string(template, "text", f"{where}.text", required=True, limit=240)
        _actions(c, template, where, low=2, high=2)
    elif kind == "carousel":
        columns = c.array(template, "columns", f"{where}.columns", required=True, low=1, high=10)
        for i, column in enumerate(columns):
            col = f"{where}.columns[{i}]"
            if not isinstance(column, dict):
                raise invalid_property(col)
            _titled_text(c, column, col, plain=120)
            _actions(c, column, col, low=1, high=3)
    elif kind == "image_carousel":
        columns = c.array(template, "columns", f"{where}.columns", required=True, low=1, high=10)
        for i, column in enumerate(columns):
            col = f"{where}.columns[{i}]"
            if not isinstance(column, dict):
                raise invalid_property(col)
            c.url(column, "imageUrl", f"{col}.imageUrl", required=True)
            if column.get("action") is None:
                c.fail(f"{col}.action", MUST_BE_SPECIFIED)
            else:
                check_action(c, column["action"], f"{col}.action", Place.IMAGE_CAROUSEL)


def _titled_text(c: Checker, node: JSONDict, path: str, *, plain: int) -> None:
    """Text of a buttons template or carousel column: 60 characters with an image or title."""
    c.url(node, "thumbnailImageUrl", f"{path}.thumbnailImageUrl", required=False)
    c.string(node, "title", f"{path}.title", required=False, limit=40)
    decorated = node.get("thumbnailImageUrl") is not None or node.get("title") is not None
    c.string(node, "text", f"{path}.text", required=True, limit=60 if decorated else plain)
    if node.get("defaultAction") is not None:
        check_action(c, node["defaultAction"], f"{path}.defaultAction", Place.DEFAULT_ACTION)


def _actions(c: Checker, node: JSONDict, path: str, *, low: int, high: int) -> None:
    for i, action in enumerate(
        c.array(node, "actions", f"{path}.actions", required=True, low=low, high=high)
    ):
        check_action(c, action, f"{path}.actions[{i}]", Place.TEMPLATE)


_BY_TYPE = {
    "text": _text,
    "textV2": _text,
    "sticker": _sticker,
    "image": _image,
    "video": _video,
    "audio": _audio,
    "location": _location,
    "imagemap": _imagemap,
    "template": _template,
    "flex": _flex,
}
