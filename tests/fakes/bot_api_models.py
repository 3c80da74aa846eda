"""Records, parameters and small helpers shared by the fake Telegram Bot API."""

from __future__ import annotations

import json
import re
import struct
import zlib
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = [
    "ApiError",
    "Call",
    "CallbackAnswer",
    "Edit",
    "FakeUser",
    "Injected",
    "Params",
    "SentMessage",
    "StoredFile",
    "UploadedFile",
    "image_size",
    "make_png",
]

JSONDict = dict[str, Any]

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


class ApiError(Exception):
    """An error answer of the Bot API: HTTP status ``code`` and Telegram's description."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> JSONDict:
        body: JSONDict = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


@dataclass(frozen=True)
class FakeUser:
    """A Telegram user known to the fake; their private chat id equals ``id``."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "th"

    def to_dict(self) -> JSONDict:
        """The User object as Telegram sends it in updates."""
        data: JSONDict = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data

    def chat_dict(self) -> JSONDict:
        """The private Chat object with this user."""
        data: JSONDict = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        return data


@dataclass(frozen=True)
class Injected:
    """An update injected by a test; ``message`` is the Message inside it, if any."""

    update: JSONDict
    message: JSONDict | None = None

    @property
    def update_id(self) -> int:
        return int(self.update["update_id"])

    @property
    def message_id(self) -> int:
        assert self.message is not None, "this update carries no message"
        return int(self.message["message_id"])

    @property
    def chat_id(self) -> int:
        assert self.message is not None, "this update carries no message"
        return int(self.message["chat"]["id"])


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    filename: str | None
    content_type: str | None
    data: bytes

    def __repr__(self) -> str:
        return f"UploadedFile({self.filename!r}, {self.content_type!r}, {len(self.data)} bytes)"


@dataclass
class StoredFile:
    """A file known to the fake server (uploaded by the bot or sent by a user)."""

    file_id: str
    file_unique_id: str
    file_path: str
    kind: str  # photo, document, voice, sticker, video, audio, ...
    data: bytes
    mime_type: str | None = None
    file_name: str | None = None
    width: int | None = None
    height: int | None = None
    group: tuple[str, ...] = ()  # file ids of all sizes of the same photo, smallest first

    @property
    def file_size(self) -> int:
        return len(self.data)


@dataclass
class Call:
    """One request the bot made. ``time`` is ``time.monotonic()`` when it arrived."""

    seq: int
    method: str
    params: JSONDict
    files: dict[str, UploadedFile]
    time: float
    status: int = 0  # HTTP status of the answer; 0 while still being processed
    response: JSONDict | None = None
    delayed: float = 0.0  # seconds the answer was held back by delay()

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def result(self) -> Any:
        return None if self.response is None else self.response.get("result")

    @property
    def description(self) -> str | None:
        return None if self.response is None else self.response.get("description")


@dataclass
class Edit:
    """A previous version of a bot message, stored when an edit replaced it."""

    time: float
    method: str
    text: str | None
    entities: list[JSONDict]
    reply_markup: JSONDict | None


@dataclass
class SentMessage:
    """A message the bot sent. ``text`` is the current visible text (or caption)."""

    seq: int
    message_id: int
    chat_id: int
    kind: str  # text, photo, document, location, voice, sticker, media_group
    text: str | None
    raw_text: str | None  # the text/caption parameter as sent, before entity parsing
    parse_mode: str | None
    entities: list[JSONDict]
    reply_markup: JSONDict | None  # current; also holds reply keyboards, not echoed by TG
    reply_to_message_id: int | None
    date: int
    time: float
    message: JSONDict  # the current Message object, as the API returned it
    params: JSONDict  # parameters of the sending call
    media_group_id: str | None = None
    file_id: str | None = None  # the largest photo size / the document / ...
    edits: list[Edit] = field(default_factory=list)
    deleted: bool = False

    @property
    def caption(self) -> str | None:
        return self.text if self.kind not in ("text", "location") else None

    @property
    def original_text(self) -> str | None:
        return self.edits[0].text if self.edits else self.text

    @property
    def buttons(self) -> list[JSONDict]:
        """All inline keyboard buttons of the current markup, row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [button for row in rows for button in row]

    @property
    def callback_data(self) -> list[str]:
        return [b["callback_data"] for b in self.buttons if "callback_data" in b]

    def to_dict(self) -> JSONDict:
        return asdict(self)


@dataclass
class CallbackAnswer:
    """An answerCallbackQuery call that succeeded."""

    seq: int
    query_id: str
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int | None
    time: float


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


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, JPEG, GIF or WebP image, or None if not recognised."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP" and len(data) >= 30:
        if data[12:16] == b"VP8 ":
            width, height = struct.unpack("<HH", data[26:30])
            return int(width) & 0x3FFF, int(height) & 0x3FFF
        if data[12:16] == b"VP8X":
            width = int.from_bytes(data[24:27], "little") + 1
            height = int.from_bytes(data[27:30], "little") + 1
            return width, height
        return None
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            if pos + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            return int(width), int(height)
        pos += 2 + length
    return None


def make_png(width: int = 4, height: int = 3, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A valid, solid-colour PNG image of the given size (for photo uploads in tests)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )
