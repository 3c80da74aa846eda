"""Records of the simulated Bot API: errors, users, calls, messages, files, answers."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

JSONDict = dict[str, Any]


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


@dataclass
class LongPoll:
    """getUpdates found nothing yet and waits until ``deadline``."""

    generation: int
    deadline: float
    limit: int


@dataclass
class Outcome:
    """The answer to one request, ready to be written by the HTTP layer."""

    call: Call
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    long_poll: LongPoll | None = None


@dataclass(frozen=True)
class Change:
    """Something a person in ``chat_id`` would see change, numbered like calls (``seq``).

    ``kind`` is ``message`` (a new message, the bot's or a person's), ``edit``, ``delete``
    or ``popup`` (the bot answered a button press with a notification or an alert).
    """

    seq: int
    chat_id: int
    kind: str
    message_id: int | None = None
    query_id: str | None = None
