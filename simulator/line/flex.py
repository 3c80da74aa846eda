"""Validation of Flex Message containers and components."""

from __future__ import annotations

import json
from typing import Any

from simulator.line.actions import Place, check_action
from simulator.line.checks import Checker
from simulator.line.models import JSONDict, invalid_property

_BUBBLE_BYTES = 30 * 1024  # "The maximum size of JSON data that defines a bubble is 30 KB."
_CAROUSEL_BYTES = 50 * 1024  # "... that defines a carousel is 50 KB."
_MAX_BUBBLES = 12
_SIZES = ("nano", "micro", "deca", "hecto", "kilo", "mega", "giga")
_LAYOUTS = ("horizontal", "vertical", "baseline")
_COMPONENTS = ("box", "button", "image", "video", "icon", "text", "span", "separator", "filler")


def check_container(c: Checker, container: JSONDict, path: str) -> None:
    """Check a Flex Message `contents`: a bubble or a carousel of bubbles."""
    kind = c.choice(container, "type", f"{path}.type", ("bubble", "carousel"), required=True)
    if kind == "bubble":
        _bubble(c, container, path)
        if _size(container) > _BUBBLE_BYTES:
            c.fail(path, "The size of a bubble must be 30 KB or less")
    elif kind == "carousel":
        bubbles = c.array(
            container, "contents", f"{path}.contents", required=True, low=1, high=_MAX_BUBBLES
        )
        for i, bubble in enumerate(bubbles):
            where = f"{path}.contents[{i}]"
            if not isinstance(bubble, dict):
                raise invalid_property(where)
            if c.choice(bubble, "type", f"{where}.type", ("bubble",), required=True):
                _bubble(c, bubble, where)
                if _size(bubble) > _BUBBLE_BYTES:
                    c.fail(where, "The size of a bubble must be 30 KB or less")
        if _size(container) > _CAROUSEL_BYTES:
            c.fail(path, "The size of a carousel must be 50 KB or less")


def _size(node: JSONDict) -> int:
    return len(json.dumps(node, ensure_ascii=False, separators=(",", ":")).encode())


def _bubble(c: Checker, bubble: JSONDict, path: str) -> None:
    c.choice(bubble, "size", f"{path}.size", _SIZES, required=False)
    c.choice(bubble, "direction", f"{path}.direction", ("ltr", "rtl"), required=False)
    for block in ("header", "body", "footer"):
        box = c.obj(bubble, block, f"{path}.{block}", required=False)
        if box is not None and c.choice(
            box, "type", f"{path}.{block}.type", ("box",), required=True
        ):
            _component(c, box, f"{path}.{block}", depth=0)
    hero = c.obj(bubble, "hero", f"{path}.hero", required=False)
    if hero is not None and c.choice(
        hero, "type", f"{path}.hero.type", ("box", "image", "video"), required=True
    ):
        _component(c, hero, f"{path}.hero", depth=0)
    c.obj(bubble, "styles", f"{path}.styles", required=False)
    if bubble.get("action") is not None:
        check_action(c, bubble["action"], f"{path}.action", Place.FLEX)


def _component(c: Checker, node: Any, path: str, *, depth: int) -> None:
    if not isinstance(node, dict):
        raise invalid_property(path)
    kind = c.choice(node, "type", f"{path}.type", _COMPONENTS, required=True)
    if kind == "box":
        c.choice(node, "layout", f"{path}.layout", _LAYOUTS, required=True)
        children = node.get("contents")
        if children is None:
            c.fail(f"{path}.contents", "must be specified")
        elif not isinstance(children, list) or depth > 50:
            raise invalid_property(f"{path}.contents")
        else:
            for i, child in enumerate(children):
                _component(c, child, f"{path}.contents[{i}]", depth=depth + 1)
    elif kind == "button":
        if node.get("action") is None:
            c.fail(f"{path}.action", "must be specified")
        else:
            check_action(c, node["action"], f"{path}.action", Place.FLEX_BUTTON)
        return
    elif kind in ("image", "icon"):
        c.url(node, "url", f"{path}.url", required=True)
    elif kind == "video":
        c.url(node, "url", f"{path}.url", required=True)
        c.url(node, "previewUrl", f"{path}.previewUrl", required=True)
        c.obj(node, "altContent", f"{path}.altContent", required=True)
    elif kind == "text":
        spans = node.get("contents")
        c.string(node, "text", f"{path}.text", required=not spans)
        if spans is not None and not isinstance(spans, list):
            raise invalid_property(f"{path}.contents")
        for i, span in enumerate(spans or []):
            _component(c, span, f"{path}.contents[{i}]", depth=depth + 1)
    elif kind == "span":
        c.string(node, "text", f"{path}.text", required=True)
    if node.get("action") is not None:
        check_action(c, node["action"], f"{path}.action", Place.FLEX)
