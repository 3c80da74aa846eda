"""What the sandbox's phone pages need from whatever runs the product against the simulator.

The web log never talks to the simulator itself: the sandbox hands `create_app` an object
implementing `Phones`, and the pages only read chats through it and act through it. A chat's
view is plain JSON-able data in the shape the Bot API gives the bot (text with Telegram's
MessageEntity dicts, offsets and lengths in UTF-16 code units), so the page can render it as
Telegram would. A LINE phone's messages carry their Flex container as the bot sent it, which
the page draws as LINE would.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal, NotRequired, Protocol, TypedDict

from incidents.provinces import ProvinceData
from incidents.text.sandbox import seat_name

PhoneChannel = Literal["telegram", "line"]


@dataclass(frozen=True)
class PhoneOwner:
    """A person of the sample roster whose phone can be opened (one person may hold two:
    one for each channel they are reached on)."""

    user_id: int  # the phone's id on the pages
    name: str
    role: str  # in Thai, e.g. "นายอำเภอ" or "ผู้ว่าราชการจังหวัด"
    unit: str  # the agency or district, in Thai
    channel: PhoneChannel = "telegram"


@dataclass(frozen=True)
class Place:
    """A place in the province whose location a phone can share."""

    key: str
    name: str
    latitude: float
    longitude: float


class SampleKind(StrEnum):
    """What a sample file is sent as."""

    PHOTO = "photo"
    DOCUMENT = "document"


@dataclass(frozen=True)
class Sample:
    """A sample photo or document a phone can attach."""

    key: str
    label: str
    kind: SampleKind


class Entity(TypedDict):
    """A Telegram MessageEntity: offset and length in UTF-16 code units."""

    type: str
    offset: int
    length: int
    url: NotRequired[str]
    language: NotRequired[str]


class CallbackButton(TypedDict):
    """An inline button that sends callback data back to the bot."""

    text: str
    data: str


class UrlButton(TypedDict):
    """An inline button that opens an address."""

    text: str
    url: str


class Document(TypedDict):
    name: str
    file_id: str


class Location(TypedDict):
    latitude: float
    longitude: float


class Quoted(TypedDict):
    """The message a message replies to."""

    id: int
    text: str


Message = TypedDict(
    "Message",
    {
        "id": int,
        "from": Literal["bot", "me"],
        "at": str,  # ISO 8601 with its offset
        "text": str,  # the caption, for a photo or a document
        "entities": list[Entity],
        "photo": str | None,  # a file id for `Phones.file`
        "document": Document | None,
        "location": Location | None,
        "reply_to": Quoted | None,
        "edited": bool,
        "buttons": list[list[CallbackButton | UrlButton]],
        # LINE: a Flex container (bubble or carousel) as the bot sent it; `text` is its altText.
        "flex": NotRequired[dict[str, Any]],
    },
)


class Popup(TypedDict):
    """The bot's last answer to a button press: a toast, or an alert box when `alert`. A phone
    shows each answer once, by `seq`, however soon the chat changes after it (as Telegram's
    alert stays until it is closed, even when the message under it is edited meanwhile)."""

    text: str
    alert: bool
    seq: int


class ChatView(TypedDict):
    """One person's chat with the bot as their phone shows it now.

    `seq` grows with every change. The page shows `popup` whenever it differs from the one it
    showed last, so an implementation clears it once another change comes.
    """

    seq: int
    messages: list[Message]
    keyboard: list[list[str]] | None  # the reply keyboard's labels, row by row
    popup: Popup | None


class Phones(Protocol):
    """The phones of the sample roster, as the sandbox runs them."""

    def people(self) -> Sequence[PhoneOwner]:
        """Everyone whose phone can be opened."""
        ...

    def places(self) -> Sequence[Place]:
        """The places a phone can share."""
        ...

    def samples(self) -> Sequence[Sample]:
        """The sample files a phone can attach."""
        ...

    def view(self, user_id: int) -> ChatView:
        """The person's chat now."""
        ...

    # A timeout parameter, not the caller's `asyncio.timeout`: timing out is the normal
    # answer here (the stream's heartbeat), not an error to raise.
    async def wait(self, user_id: int, after_seq: int, timeout: float) -> int:  # noqa: ASYNC109
        """The chat's seq once it is past `after_seq` (at once if it already is), or
        `after_seq` when `timeout` seconds pass first."""
        ...

    async def send_text(self, user_id: int, text: str, reply_to: int | None = None) -> None:
        """The person sends text (a reply when `reply_to` names a message)."""
        ...

    async def press(self, user_id: int, message_id: int, data: str) -> None:
        """The person taps an inline button (on LINE, a postback button) of a message."""
        ...

    async def send_sample(self, user_id: int, sample_key: str, reply_to: int | None = None) -> None:
        """The person sends a sample photo or document."""
        ...

    async def share_location(self, user_id: int, place_key: str) -> None:
        """The person shares the location of a place."""
        ...

    def file(self, user_id: int, file_id: str) -> tuple[bytes, str] | None:
        """A file in that person's chat with its content type; None if not in their chat."""
        ...


def district_seats(province: ProvinceData) -> list[Place]:
    """The places a sandbox can offer: each district's seat (ที่ว่าการอำเภอ), keyed by code."""
    return [
        Place(
            key=district.code,
            name=seat_name(district.name_th),
            latitude=district.seat.latitude,
            longitude=district.seat.longitude,
        )
        for district in province.districts
        if district.seat is not None
    ]
