"""Field checks that collect `details` entries the way the Messaging API reports them."""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlsplit

from simulator.line.models import Detail, JSONDict, invalid_property

MUST_BE_SPECIFIED = "must be specified"
MAY_NOT_BE_EMPTY = "May not be empty"
MEDIA_URL = 2000  # image, video, audio and icon URLs: "Max character limit: 2000"


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, which is how the platform counts characters."""
    return len(text.encode("utf-16-le")) // 2


class Checker:
    """Collects validation errors; wrong JSON types abort with the `invalid property` answer."""

    def __init__(self) -> None:
        self.details: list[Detail] = []

    def fail(self, path: str, message: str) -> None:
        """Record one error at ``path``."""
        self.details.append((path, message))

    def obj(self, parent: JSONDict, key: str, path: str, *, required: bool) -> JSONDict | None:
        """A nested JSON object."""
        value = parent.get(key)
        if value is None:
            if required:
                self.fail(path, MUST_BE_SPECIFIED)
            return None
        if not isinstance(value, dict):
            raise invalid_property(path)
        return value

    def array(
        self, parent: JSONDict, key: str, path: str, *, required: bool, low: int, high: int
    ) -> list[Any]:
        """A JSON array of ``low`` to ``high`` items."""
        value = parent.get(key)
        if value is None:
            if required:
                self.fail(path, MUST_BE_SPECIFIED)
            return []
        if not isinstance(value, list):
            raise invalid_property(path)
        if not low <= len(value) <= high:
            self.fail(path, f"Size must be between {low} and {high}")
        return value

    def string(
        self,
        parent: JSONDict,
        key: str,
        path: str,
        *,
        required: bool,
        limit: int | None = None,
        low: int = 1,
    ) -> str | None:
        """A string of at most ``limit`` characters (UTF-16 code units)."""
        value = parent.get(key)
        if value is None:
            if required:
                self.fail(path, MUST_BE_SPECIFIED)
            return None
        if not isinstance(value, str):
            raise invalid_property(path)
        if required and low > 0 and value == "":
            self.fail(path, MAY_NOT_BE_EMPTY)
        elif limit is not None and utf16_len(value) > limit:
            self.fail(path, f"Length must be between {low if required else 0} and {limit}")
        return value

    def choice(
        self, parent: JSONDict, key: str, path: str, options: tuple[str, ...], *, required: bool
    ) -> str | None:
        """A string that must be one of ``options``."""
        value = self.string(parent, key, path, required=required)
        if value is not None and value not in options:
            self.fail(path, f"Must be one of the following values: [{', '.join(options)}]")
            return None
        return value

    def number(self, parent: JSONDict, key: str, path: str, *, required: bool) -> None:
        """A finite JSON number (booleans are not numbers)."""
        value = parent.get(key)
        if value is None:
            if required:
                self.fail(path, MUST_BE_SPECIFIED)
            return
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise invalid_property(path)
        if not math.isfinite(value):
            self.fail(path, "Must be a finite number")

    def boolean(self, parent: JSONDict, key: str, path: str) -> None:
        """An optional JSON boolean."""
        value = parent.get(key)
        if value is not None and not isinstance(value, bool):
            raise invalid_property(path)

    def url(
        self,
        parent: JSONDict,
        key: str,
        path: str,
        *,
        required: bool,
        limit: int = MEDIA_URL,
        schemes: tuple[str, ...] = ("https",),
    ) -> None:
        """A URL of one of ``schemes`` (media must be HTTPS), at most ``limit`` characters."""
        value = self.string(parent, key, path, required=required, limit=limit)
        if not value or utf16_len(value) > limit:
            return
        parts = urlsplit(value)
        if parts.scheme not in schemes:
            self.fail(path, f"The scheme must be one of [{', '.join(schemes)}]")
        elif parts.scheme in ("http", "https") and not parts.netloc:
            self.fail(path, "Must be a valid URL")
        elif any(ord(ch) > 127 or ch.isspace() for ch in value):
            # The reference asks for URLs percent-encoded in UTF-8.
            self.fail(path, "The URL must be percent-encoded")
