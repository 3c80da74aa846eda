"""Test doubles for external services; the Telegram one is simulator.telegram, re-exported.

``FakeBotAPI`` is imported lazily so that ``python -m tests.fakes.bot_api`` does not
import its own module twice.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from simulator.telegram import (
    ApiError,
    Call,
    CallbackAnswer,
    Edit,
    FakeUser,
    HtmlParseError,
    Injected,
    SentMessage,
    StoredFile,
    UploadedFile,
    image_size,
    make_png,
    parse_html,
    utf16_len,
)

if TYPE_CHECKING:
    from tests.fakes.bot_api import FakeBotAPI

__all__ = [
    "ApiError",
    "Call",
    "CallbackAnswer",
    "Edit",
    "FakeBotAPI",
    "FakeUser",
    "HtmlParseError",
    "Injected",
    "SentMessage",
    "StoredFile",
    "UploadedFile",
    "image_size",
    "make_png",
    "parse_html",
    "utf16_len",
]


def __getattr__(name: str) -> Any:
    if name == "FakeBotAPI":
        return importlib.import_module("tests.fakes.bot_api").FakeBotAPI
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
