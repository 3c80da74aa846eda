"""What an outbox row carries besides its kind and chat: one typed model, stored as JSON.

Texts are stored as `Text` JSON and buttons as the core's actions (incidents/actions.py), never
as a channel's markup or button data. Rows written before stored Telegram HTML and callback
strings ({"label", "data"}); they are still read, so a delivery queued before an upgrade goes
out as it would have.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, PlainValidator, field_validator

from incidents.actions import (
    AcknowledgeInstruction,
    AnswerRequest,
    ButtonAction,
    Buttons,
    ReplyKeyboard,
    ThreadAction,
    ThreadVerb,
)
from incidents.related.hints import RelatedHint
from incidents.text.rich import Span, Style, Text
from storage.models import Delivery

# The only button data outbox rows ever held before buttons were stored as actions.
_LEGACY_INSTRUCTION = re.compile(r"^i\|(\d{1,12})$")
_LEGACY_REQUEST = re.compile(r"^q\|(\d{1,12})$")
_LEGACY_REOPEN = re.compile(r"^t\|(\d{1,12})\|reopen$")


_TAG_STYLES = {"b": Style.BOLD, "strong": Style.BOLD, "i": Style.ITALIC, "em": Style.ITALIC}
_TAG_STYLES |= {"code": Style.CODE, "pre": Style.CODE, "a": Style.LINK}


class _LegacyHtml(HTMLParser):
    """Reads the Telegram HTML that rows held before texts were stored as `Text`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.spans: list[Span] = []
        self._style = Style.PLAIN
        self._url = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._style = _TAG_STYLES.get(tag, Style.PLAIN)
        self._url = next((v or "" for k, v in attrs if k == "href"), "")

    def handle_endtag(self, tag: str) -> None:
        self._style, self._url = Style.PLAIN, ""

    def handle_data(self, data: str) -> None:
        url = self._url if self._style is Style.LINK else ""
        self.spans.append(Span(data, self._style, url))


def text_of_html(html: str) -> Text:
    """A `Text` from Telegram HTML (what rows held before, and catalogue strings still are)."""
    parser = _LegacyHtml()
    parser.feed(html)
    parser.close()
    return Text(*parser.spans)


def _read_text(value: Any) -> Text:
    if isinstance(value, Text):
        return value
    if isinstance(value, str):
        return text_of_html(value)
    return Text.from_json(value)


StoredText = Annotated[
    Text,
    PlainValidator(_read_text),
    PlainSerializer(lambda text: text.to_json(), return_type=list),
]


class DeliveryParams(BaseModel):
    """The content of a delivery that is not read from the incident at send time."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, arbitrary_types_allowed=True)

    # A fixed message (MESSAGE): its text, the buttons under it, or a location pin instead.
    text: StoredText = Text()
    buttons: Buttons = ()
    location: tuple[float, float] | None = None
    # The keyboard it sets in place of the person's own (a reply to the person).
    keyboard: ReplyKeyboard = ReplyKeyboard.NONE
    # The line above an escalated alert (ALERT).
    intro: StoredText = Text()
    # The open incidents a just-filed alert may be a second report of (ALERT; a later render
    # reads them, and whether they were linked since, from the database).
    related: tuple[RelatedHint, ...] = ()
    # The file sent (ATTACHMENT).
    attachment_id: int | None = None
    # A reminder's round and the minutes since filing (REMINDER).
    reminder_round: int = Field(default=0, alias="round")
    minutes: int = 0
    # A channel's token for answering the person's own message for free (LINE's reply token),
    # good for about a minute; the answer is pushed once it is not.
    reply_token: str = ""
    # An event for a subscribing system (WEBHOOK): its name and what it says, as it was then.
    event: str = ""
    payload: dict[str, Any] = Field(default_factory=dict)

    @field_validator("buttons", mode="before")
    @classmethod
    def _read_legacy_buttons(cls, value: Any) -> Any:
        """Turn rows of {"label", "data"} (callback strings) into buttons with actions."""
        if not isinstance(value, list | tuple):
            return value
        return [[_legacy_button(b) for b in row] for row in value]

    def request_id(self) -> int | None:
        """The request for information whose answer button this message carries, if any."""
        for row in self.buttons:
            for button in row:
                if isinstance(button.action, AnswerRequest):
                    return button.action.request_id
        return None


def _legacy_button(button: Any) -> Any:
    if not isinstance(button, dict) or "data" not in button:
        return button
    return {"label": button.get("label", ""), "action": _legacy_action(str(button["data"]))}


def _legacy_action(data: str) -> ButtonAction | None:
    if found := _LEGACY_INSTRUCTION.match(data):
        return AcknowledgeInstruction(instruction_id=int(found[1]))
    if found := _LEGACY_REQUEST.match(data):
        return AnswerRequest(request_id=int(found[1]))
    if found := _LEGACY_REOPEN.match(data):
        return ThreadAction(incident_id=int(found[1]), verb=ThreadVerb.REOPEN)
    return None


def read(delivery: Delivery) -> DeliveryParams:
    """A row's params, whichever shape it was written in."""
    return DeliveryParams.model_validate(delivery.params or {})


def stored(params: DeliveryParams | None) -> dict[str, Any]:
    """The JSON a row stores (defaults left out, as rows always had them)."""
    if params is None:
        return {}
    # Only the top level: a button's action keeps its `kind`, the default it is read by.
    data = params.model_dump(mode="json", by_alias=True)
    return {key: value for key, value in data.items() if value != _DEFAULTS[key]}


_DEFAULTS = DeliveryParams().model_dump(mode="json", by_alias=True)
