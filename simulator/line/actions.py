"""Validation of action objects, whose `label` rules depend on where the action sits."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from simulator.line.checks import Checker
from simulator.line.models import invalid_property

ACTION_TYPES = (
    "postback",
    "message",
    "uri",
    "datetimepicker",
    "camera",
    "cameraRoll",
    "location",
    "clipboard",
    "richmenuswitch",
)
_QUICK_REPLY_ONLY = ("camera", "cameraRoll", "location")
_URI_SCHEMES = ("http", "https", "line", "tel")
_INPUT_OPTIONS = ("closeRichMenu", "openRichMenu", "openKeyboard", "openVoice")


class Place(StrEnum):
    """Where an action is set, which decides whether `label` is required and how long."""

    TEMPLATE = "template"
    IMAGE_CAROUSEL = "image_carousel"
    QUICK_REPLY = "quick_reply"
    FLEX_BUTTON = "flex_button"
    FLEX = "flex"
    DEFAULT_ACTION = "default_action"


# "Specifications of the label": (required, max characters) per object.
_LABEL_RULES = {
    Place.TEMPLATE: (True, 20),
    Place.IMAGE_CAROUSEL: (False, 12),
    Place.QUICK_REPLY: (True, 20),
    Place.FLEX_BUTTON: (True, 40),
    Place.FLEX: (False, 40),
    Place.DEFAULT_ACTION: (False, 20),
}


def check_action(c: Checker, action: Any, path: str, place: Place) -> None:
    """Check one action object set at ``place``."""
    if not isinstance(action, dict):
        raise invalid_property(path)
    kind = c.choice(action, "type", f"{path}.type", ACTION_TYPES, required=True)
    if kind is None:
        return
    required, limit = _LABEL_RULES[place]
    c.string(action, "label", f"{path}.label", required=required, limit=limit)
    if kind in _QUICK_REPLY_ONLY and place is not Place.QUICK_REPLY:
        c.fail(f"{path}.type", f"The {kind} action can only be used in quick reply buttons")
    elif kind == "richmenuswitch":
        c.fail(f"{path}.type", "The richmenuswitch action can only be used in rich menus")
    elif kind == "postback":
        _postback(c, action, path)
    elif kind == "message":
        c.string(action, "text", f"{path}.text", required=True, limit=300)
    elif kind == "uri":
        c.url(action, "uri", f"{path}.uri", required=True, limit=1000, schemes=_URI_SCHEMES)
        alt = c.obj(action, "altUri", f"{path}.altUri", required=False)
        if alt is not None:
            c.url(
                alt,
                "desktop",
                f"{path}.altUri.desktop",
                required=False,
                limit=1000,
                schemes=_URI_SCHEMES,
            )
    elif kind == "datetimepicker":
        c.string(action, "data", f"{path}.data", required=True, limit=300, low=0)
        c.choice(action, "mode", f"{path}.mode", ("date", "time", "datetime"), required=True)
    elif kind == "clipboard":
        c.string(action, "clipboardText", f"{path}.clipboardText", required=True, limit=1000)


def _postback(c: Checker, action: dict[str, Any], path: str) -> None:
    c.string(action, "data", f"{path}.data", required=True, limit=300, low=0)
    display = c.string(action, "displayText", f"{path}.displayText", required=False, limit=300)
    text = c.string(action, "text", f"{path}.text", required=False, limit=300)
    if display is not None and text is not None:
        c.fail(f"{path}.displayText", "displayText and text can't both be set")
    c.choice(action, "inputOption", f"{path}.inputOption", _INPUT_OPTIONS, required=False)
    c.string(action, "fillInText", f"{path}.fillInText", required=False, limit=300)
