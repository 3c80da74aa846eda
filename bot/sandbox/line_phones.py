"""The sandbox's LINE phones: each LINE user's chat with the province's Official Account.

The fake LINE Platform records what the bot sent to each user; what the phone's user did
(their texts, the quotes, the display text of a postback button, which LINE shows in the chat
as theirs) is recorded here, each with the platform's mark at the time, so the chat reads in
the order it happened. LINE's message ids are 18 digits, past what the page's script holds
exactly: the page sees small ids of this process's own.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from bot.sandbox.people import SandboxPerson
from simulator.line import FakeLinePlatform, LineUser, SentMessage
from web.phones import ChatView, Message, PhoneOwner, Quoted

log = logging.getLogger(__name__)
# The fake LINE Platform has no change feed: a page waiting for news looks this often.
POLL_S = 0.2


@dataclass(frozen=True)
class _Said:
    """Something the phone's user sent."""

    page_id: int
    mark: int  # the platform's mark just before: what the bot sent after it comes after this
    at: datetime
    text: str
    quoted: str | None = None  # the LINE message id of the message quoted


class LinePhones:
    """The LINE phones of the sample people on LINE, over the fake LINE Platform."""

    def __init__(
        self, line: FakeLinePlatform, people: Sequence[SandboxPerson], tz: ZoneInfo
    ) -> None:
        self._line = line
        self._tz = tz
        self._people = {p.line_phone: p for p in people if p.line_phone is not None}
        self._owners = [owner for p in people if (owner := p.line_owner) is not None]
        self._users: dict[int, LineUser] = {}
        self._said: dict[int, list[_Said]] = {phone: [] for phone in self._people}
        self._counter = itertools.count(1)
        self._page_ids: dict[str, int] = {}
        self._line_ids: dict[int, str] = {}

    def people(self) -> Sequence[PhoneOwner]:
        return self._owners

    def holds(self, phone: int) -> bool:
        """Whether `phone` is one of the LINE phones."""
        return phone in self._people

    def add_user(self, phone: int) -> LineUser:
        """The phone's LINE user, who adds the Official Account as a friend (a follow event)."""
        user = self._line.add_user(self._people[phone].row.name)
        self._users[phone] = user
        return user

    def view(self, phone: int) -> ChatView:
        sent = self._sent(phone)
        said = list(self._said[phone])
        # What a quote shows of the message it quotes, by LINE message id.
        texts = {m.message_id: m.text for m in sent}
        for s in said:
            if s.page_id in self._line_ids:
                texts[self._line_ids[s.page_id]] = s.text
        items = [((m.seq, 0), self._bot(m)) for m in sent]
        items += [((s.mark, 1), self._mine(s, texts)) for s in said]
        items.sort(key=lambda item: item[0])  # stable: what one user did keeps its order
        return {
            "seq": len(sent) + len(said),
            "messages": [message for _, message in items],
            "keyboard": None,
            "popup": None,
        }

    async def wait(self, phone: int, after_seq: int, timeout: float) -> int:  # noqa: ASYNC109
        deadline = time.monotonic() + timeout
        while True:
            seq = len(self._sent(phone)) + len(self._said[phone])
            left = deadline - time.monotonic()
            if seq > after_seq or left <= 0:
                return max(seq, after_seq)
            await asyncio.sleep(min(POLL_S, left))

    async def send_text(self, phone: int, text: str, reply_to: int | None = None) -> None:
        """The user sends text, quoting the message `reply_to` when LINE has it."""
        user = self._users.get(phone)
        if user is None:
            return
        quoted = self._line_ids.get(reply_to) if reply_to is not None else None
        mark = self._line.mark()
        injected = self._line.send_text(user, text, quote=quoted)
        assert injected.message_id is not None
        said = _Said(self._page_id(injected.message_id), mark, _now(), text, quoted)
        self._said[phone].append(said)

    async def press(self, phone: int, message_id: int, data: str) -> None:
        """The user taps a postback button of a message the bot sent them."""
        user = self._users.get(phone)
        line_id = self._line_ids.get(message_id)
        message = next((m for m in self._sent(phone) if m.message_id == line_id), None)
        if user is None or message is None:
            return
        postbacks = (a for a in message.actions() if a.get("type") == "postback")
        action = next((a for a in postbacks if a.get("data") == data), None)
        if action is None:
            log.info("sandbox: a LINE phone pressed a button its message does not have")
            return
        mark = self._line.mark()
        self._line.press_button(user, message, data=data)
        shown = str(action.get("displayText") or "")
        if shown:  # LINE writes it into the chat as the user's
            self._said[phone].append(_Said(next(self._counter), mark, _now(), shown))

    def _sent(self, phone: int) -> list[SentMessage]:
        user = self._users.get(phone)
        return [] if user is None else self._line.sent_messages(user.user_id, delivered=True)

    def _page_id(self, line_id: str) -> int:
        if line_id not in self._page_ids:
            page_id = next(self._counter)
            self._page_ids[line_id], self._line_ids[page_id] = page_id, line_id
        return self._page_ids[line_id]

    def _bot(self, sent: SentMessage) -> Message:
        body = sent.message
        message = _message(self._page_id(sent.message_id), "bot", sent.sent_at, self._tz)
        message["text"] = sent.text
        if sent.type == "flex" and isinstance(body.get("contents"), dict):
            message["flex"] = dict(body["contents"])
        elif sent.type == "location":
            message["text"] = ""
            latitude, longitude = float(body["latitude"]), float(body["longitude"])
            message["location"] = {"latitude": latitude, "longitude": longitude}
        return message

    def _mine(self, said: _Said, texts: dict[str, str]) -> Message:
        message = _message(said.page_id, "me", said.at, self._tz)
        message["text"] = said.text
        if said.quoted is not None:
            quote: Quoted = {"id": self._page_id(said.quoted), "text": texts.get(said.quoted, "")}
            message["reply_to"] = quote
        return message


def _now() -> datetime:
    return datetime.now(UTC)


def _message(page_id: int, sender: Literal["bot", "me"], at: datetime, tz: ZoneInfo) -> Message:
    return {
        "id": page_id,
        "from": sender,
        "at": at.astimezone(tz).isoformat(),
        "text": "",
        "entities": [],
        "photo": None,
        "document": None,
        "location": None,
        "reply_to": None,
        "edited": False,
        "buttons": [],
    }
