"""What the fake LINE Platform records and hands to tests: users, sent messages, calls, events."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

JSONDict = dict[str, Any]
Detail = tuple[str, str]  # (property, message) of one entry of an error's `details`


class Endpoint(StrEnum):
    """The Messaging API endpoints the fake serves (names for fault injection and records)."""

    PUSH = "push"
    REPLY = "reply"
    MULTICAST = "multicast"
    PROFILE = "profile"
    CONTENT = "content"
    QUOTA = "quota"
    CONSUMPTION = "consumption"


class SendKind(StrEnum):
    """How the bot sent a message."""

    PUSH = "push"
    REPLY = "reply"
    MULTICAST = "multicast"


class LineApiError(Exception):
    """An error answer: HTTP status and the documented JSON body (`message`, `details`)."""

    def __init__(
        self,
        status: int,
        message: str,
        details: list[Detail] | None = None,
        *,
        headers: dict[str, str] | None = None,
        extra: JSONDict | None = None,
    ) -> None:
        super().__init__(f"{status} {message}")
        self.status = status
        self.message = message
        self.details = details or []
        self.headers = headers or {}
        self.extra = extra or {}

    def body(self) -> JSONDict:
        """The JSON body; `details` is left out when empty, as the reference says."""
        body: JSONDict = {"message": self.message}
        if self.details:
            body["details"] = [{"message": m, "property": p} for p, m in self.details]
        body.update(self.extra)
        return body


def request_body_error(details: list[Detail]) -> LineApiError:
    """The 400 answer for a request body with validation errors."""
    return LineApiError(400, f"The request body has {len(details)} error(s)", details)


def invalid_property(path: str) -> LineApiError:
    """The 400 answer for a property of the wrong JSON type or shape."""
    return LineApiError(
        400, f"The property, {path}, in the request body is invalid (line: -, column: -)"
    )


@dataclass(frozen=True)
class LineUser:
    """A LINE user as the platform knows them (the profile a bot may read)."""

    user_id: str
    display_name: str
    language: str | None = "th"
    picture_url: str | None = None
    status_message: str | None = None

    def profile(self) -> JSONDict:
        """The body of ``GET /v2/bot/profile/{userId}``; absent fields are left out."""
        body: JSONDict = {"displayName": self.display_name, "userId": self.user_id}
        optional = {
            "language": self.language,
            "pictureUrl": self.picture_url,
            "statusMessage": self.status_message,
        }
        body.update({k: v for k, v in optional.items() if v is not None})
        return body


UserRef = LineUser | str


def user_id_of(user: UserRef) -> str:
    """The user id of a user or of an id."""
    return user if isinstance(user, str) else user.user_id


@dataclass
class SentMessage:
    """One message object the bot sent to one user (a multicast records one per recipient)."""

    seq: int
    user_id: str
    kind: SendKind
    message: JSONDict
    message_id: str
    quote_token: str | None
    request_id: str
    retry_key: str | None
    delivered: bool  # False: accepted with 200 but not delivered (blocked, not a friend)
    notification_disabled: bool
    sent_at: datetime
    reply_token: str | None = None

    @property
    def type(self) -> str:
        """The message object's type (`text`, `flex`, `template` …)."""
        return str(self.message.get("type", ""))

    @property
    def text(self) -> str:
        """The text a person reads first: `text`, or `altText` of Flex and template messages."""
        return str(self.message.get("text") or self.message.get("altText") or "")

    def actions(self) -> list[JSONDict]:
        """Every action object in the message (template, Flex and quick reply buttons)."""
        return list(find_actions(self.message))

    def quick_reply_actions(self) -> list[JSONDict]:
        """The actions of the message's quick reply buttons."""
        items = (self.message.get("quickReply") or {}).get("items") or []
        return [item["action"] for item in items if isinstance(item.get("action"), dict)]

    @property
    def postback_data(self) -> list[str]:
        """The `data` of every postback action in the message."""
        return [str(a.get("data")) for a in self.actions() if a.get("type") == "postback"]

    @property
    def labels(self) -> list[str]:
        """The labels of every action in the message."""
        return [str(a["label"]) for a in self.actions() if "label" in a]


def find_actions(node: Any) -> Iterator[JSONDict]:
    """Every action object inside a message object, in document order."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("action", "defaultAction") and isinstance(value, dict):
                yield value
            elif key == "actions" and isinstance(value, list):
                yield from (a for a in value if isinstance(a, dict))
            else:
                yield from find_actions(value)
    elif isinstance(node, list):
        for item in node:
            yield from find_actions(item)


@dataclass
class ApiCall:
    """One request the bot made, with the answer it got (or did not get)."""

    seq: int
    endpoint: Endpoint | None
    method: str
    path: str
    request_id: str
    retry_key: str | None
    body: Any
    status: int = 0
    response: Any = None
    executed: bool = False  # the request took effect (messages recorded, key accepted)
    lost: bool = False  # the connection was dropped before the answer
    delayed: float = 0.0


@dataclass
class Injected:
    """A webhook event the test caused, with what the bot needs to act on it."""

    event: JSONDict
    webhook_event_id: str
    reply_token: str | None = None
    message_id: str | None = None
    quote_token: str | None = None


@dataclass
class WebhookAttempt:
    """One POST of a webhook event to the bot and how the bot answered."""

    webhook_event_id: str
    attempt: int
    redelivery: bool
    status: int | None
    error: str | None
    at: datetime

    @property
    def acknowledged(self) -> bool:
        """Whether the bot answered 2xx."""
        return self.status is not None and 200 <= self.status < 300


@dataclass
class Fault:
    """An injected failure for the next calls of one endpoint."""

    endpoint: Endpoint
    times: int
    status: int | None = None  # answer with this error status
    message: str | None = None
    executed: bool = False  # the request takes effect before the error answer
    delay: float = 0.0  # answer only after this many seconds
    lose: bool = False  # take effect, then drop the connection without answering


@dataclass
class RateLimit:
    """A limit of `requests` per `window` seconds on one endpoint."""

    requests: int
    window: float
    hits: list[float] = field(default_factory=list)
