"""What the fake LINE Platform keeps per chat, token, retry key, content and pending event.

Plain records; `LineState` (state.py) holds them under its lock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from simulator.line.models import JSONDict, LineUser

# Reply tokens "must be used within one minute after receiving the webhook", and a token of a
# redelivered webhook can't be used once "20 minutes have passed since the event occurred".
REPLY_TOKEN_TTL = timedelta(minutes=1)
REPLY_TOKEN_HARD_LIMIT = timedelta(minutes=20)
RETRY_KEY_TTL = timedelta(hours=24)  # "The retry key is valid for 24 hours after the first"
PUSH_AFTER_MESSAGE = timedelta(days=7)  # a non-friend who wrote in the last 7 days


class Clock(Protocol):
    """Anything that tells the current time as an aware UTC datetime."""

    def now(self) -> datetime:
        """The current time."""
        ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        """The current time, aware, in UTC."""
        return datetime.now(UTC)


@dataclass
class Chat:
    """One user's relation with the channel (the one-on-one chat)."""

    user: LineUser
    friend: bool = False
    blocked: bool = False
    ever_followed: bool = False
    last_message_at: datetime | None = None
    quote_tokens: dict[str, str] = field(default_factory=dict)  # token -> message id
    message_ids: set[str] = field(default_factory=set)
    # The bot message object whose quick reply buttons are shown, if any.
    quick_reply_message_id: str | None = None

    def can_receive_push(self, now: datetime) -> bool:
        """Friends, and users who are not friends but wrote in the last seven days."""
        if self.friend:
            return True
        recent = self.last_message_at is not None and now - self.last_message_at <= (
            PUSH_AFTER_MESSAGE
        )
        return not self.blocked and recent

    def profile_visible(self) -> bool:
        """Friends, and users who wrote to the account without blocking it."""
        return self.friend or (not self.blocked and self.last_message_at is not None)


@dataclass
class ReplyToken:
    """A reply token issued with a webhook event."""

    user_id: str
    event_at: datetime
    valid_until: datetime | None = None  # set when the webhook is sent
    used: bool = False


@dataclass
class AcceptedKey:
    """A retry key whose request was accepted."""

    request_id: str
    accepted_at: datetime
    sent_messages: list[JSONDict] | None  # push answers repeat these in the 409


@dataclass
class Content:
    """The binary content of a message a user sent (image, video, audio, file)."""

    data: bytes
    content_type: str
    gone: bool = False


@dataclass
class PendingEvent:
    """A webhook event waiting to be delivered, or redelivered."""

    webhook_event_id: str
    event: JSONDict
    attempts: int = 0
    due: float = 0.0  # time.monotonic() of the next attempt
    settled: bool = False  # acknowledged, or given up
