"""Request parameters: query string, form, multipart and JSON merged, with Telegram's coercions."""

from __future__ import annotations

import json
import re
from typing import Any

from simulator.telegram.models import JSONDict, UploadedFile, bad_request

# Parameters that carry JSON when sent as query string / form / multipart fields.
JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "reply_parameters",
        "media",
        "commands",
        "allowed_updates",
        "entities",
        "caption_entities",
        "scope",
        "menu_button",
        "link_preview_options",
        "message_ids",
        "results",
        "rights",
        "reaction",
    }
)
INT_FIELDS = frozenset(
    {
        "chat_id",
        "message_id",
        "user_id",
        "offset",
        "limit",
        "timeout",
        "reply_to_message_id",
        "cache_time",
        "duration",
        "live_period",
        "heading",
        "proximity_alert_radius",
        "max_connections",
        "message_thread_id",
        "from_chat_id",
    }
)
FLOAT_FIELDS = frozenset({"latitude", "longitude", "horizontal_accuracy"})
BOOL_FIELDS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "allow_sending_without_reply",
        "show_alert",
        "drop_pending_updates",
        "disable_web_page_preview",
        "disable_content_type_detection",
        "has_spoiler",
        "show_caption_above_media",
        "allow_paid_broadcast",
    }
)
_INT_RE = re.compile(r"-?[0-9]+")


class Params:
    """Request parameters merged from query string and body, with Telegram's coercions."""

    def __init__(self, values: JSONDict, files: dict[str, UploadedFile]) -> None:
        self.values = values
        self.files = files

    @classmethod
    def from_strings(
        cls, values: dict[str, Any], files: dict[str, UploadedFile] | None = None
    ) -> Params:
        """Build from form/query/JSON values: decode JSON fields, coerce numbers/booleans."""
        decoded: JSONDict = {}
        for name, value in values.items():
            decoded[name] = _decode_value(name, value)
        files = dict(files or {})
        return cls(decoded, files)

    def has(self, name: str) -> bool:
        return name in self.values or name in self.files

    def raw(self, name: str) -> Any:
        return self.values.get(name)

    def get_str(self, name: str) -> str | None:
        value = self.values.get(name)
        if value is None:
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (dict, list)):
            return json.dumps(value)
        return str(value)

    def get_int(self, name: str, *, required: bool = False, error: str | None = None) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                raise bad_request(error or f"{name} is empty")
            return None
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and _INT_RE.fullmatch(value.strip()):
            return int(value.strip())
        raise bad_request(error or f"invalid {name} specified")

    def get_float(self, name: str, *, required: bool = False) -> float | None:
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                raise bad_request(f"{name} is empty")
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def get_bool(self, name: str) -> bool:
        value = self.values.get(name)
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1", "yes", "on")
        return bool(value)

    def get_json(self, name: str, error: str) -> Any:
        """A JSON-valued parameter; a string that is not valid JSON raises ``error``."""
        value = self.values.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(error) from None
        return value


def _decode_value(name: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if name in JSON_FIELDS:
        try:
            return json.loads(value)
        except ValueError:
            return value  # left as is: the method reports the parse error
    if name in INT_FIELDS and _INT_RE.fullmatch(value.strip()):
        return int(value.strip())
    if name in FLOAT_FIELDS:
        try:
            return float(value)
        except ValueError:
            return value
    if name in BOOL_FIELDS and value.strip().lower() in ("true", "false", "1", "0"):
        return value.strip().lower() in ("true", "1")
    return value
