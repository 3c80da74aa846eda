"""LINE webhook events as stored in the inbox, read back into pydantic models.

Only the event types the bot uses are modelled; anything else parses as `OtherEvent` and is
left alone. Field names follow LINE's JSON (camelCase) through aliases.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

CHANNEL = "line"


def lane_of_user(user_id: str) -> str:
    """One LINE user's events are handled in order."""
    return f"line:user:{user_id}"


class _Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore", frozen=True)


class Source(_Model):
    """Who the event comes from (the webhook stores one-on-one chats only)."""

    type: str
    user_id: str = Field(alias="userId", min_length=1, max_length=33)


class DeliveryContext(_Model):
    """Whether LINE is sending the event again."""

    is_redelivery: bool = Field(default=False, alias="isRedelivery")


class _Event(_Model):
    webhook_event_id: str = Field(alias="webhookEventId")
    timestamp: int
    source: Source
    mode: str = "active"
    delivery_context: DeliveryContext = Field(
        default_factory=DeliveryContext, alias="deliveryContext"
    )

    @property
    def user_id(self) -> str:
        """The LINE user the event comes from."""
        return self.source.user_id


class Follow(_Model):
    """A follow event's detail: an unblock or a first add."""

    is_unblocked: bool = Field(default=False, alias="isUnblocked")


class FollowEvent(_Event):
    """The user added the account as a friend, or unblocked it."""

    type: Literal["follow"]
    # None in standby mode, where the channel may not answer.
    reply_token: str | None = Field(default=None, alias="replyToken")
    follow: Follow = Field(default_factory=Follow)


class UnfollowEvent(_Event):
    """The user blocked the account (no reply is possible)."""

    type: Literal["unfollow"]


class TextContent(_Model):
    """A text message; `quoted_message_id` when it quotes an earlier message."""

    type: Literal["text"]
    id: str
    text: str
    quoted_message_id: str | None = Field(default=None, alias="quotedMessageId")


class ImageContent(_Model):
    """A photo; its bytes are fetched from the data host by id."""

    type: Literal["image"]
    id: str


class LocationContent(_Model):
    """A location pin."""

    type: Literal["location"]
    id: str
    latitude: float
    longitude: float
    title: str | None = None
    address: str | None = None


class OtherContent(_Model):
    """A message type the bot does not use (sticker, video, audio, file)."""

    type: str
    id: str


Content = Annotated[TextContent | ImageContent | LocationContent, Field(discriminator="type")]


class MessageEvent(_Event):
    """The user sent a message."""

    type: Literal["message"]
    reply_token: str | None = Field(default=None, alias="replyToken")
    message: Content | OtherContent


class Postback(_Model):
    """The data of the button pressed."""

    data: str = Field(max_length=300)
    params: dict[str, str] = Field(default_factory=dict)


class PostbackEvent(_Event):
    """The user pressed a postback button."""

    type: Literal["postback"]
    reply_token: str | None = Field(default=None, alias="replyToken")
    postback: Postback


class OtherEvent(_Event):
    """An event type the bot does not use (unsend, read receipts, video views, …)."""

    type: str


Known = Annotated[
    FollowEvent | UnfollowEvent | MessageEvent | PostbackEvent, Field(discriminator="type")
]
LineEvent = FollowEvent | UnfollowEvent | MessageEvent | PostbackEvent | OtherEvent

_KNOWN: TypeAdapter[Known] = TypeAdapter(Known)
_KNOWN_TYPES = frozenset({"follow", "unfollow", "message", "postback"})


def parse(payload: dict[str, Any]) -> LineEvent:
    """The stored event as a model; ValidationError when a known type is malformed."""
    if payload.get("type") in _KNOWN_TYPES:
        return _KNOWN.validate_python(payload)
    return OtherEvent.model_validate(payload)


__all__ = [
    "CHANNEL",
    "FollowEvent",
    "ImageContent",
    "LineEvent",
    "LocationContent",
    "MessageEvent",
    "OtherContent",
    "OtherEvent",
    "PostbackEvent",
    "TextContent",
    "UnfollowEvent",
    "ValidationError",
    "lane_of_user",
    "parse",
]
