"""Both kinds of sandbox phones behind the one `Phones` the web log's pages use.

A person is listed once per channel they are on, in the roster's order: a Deputy Governor on
LINE only has a LINE phone alone, one on both channels has two. The LINE phones neither attach
files nor share places (what the executives do on LINE is read, press and type).
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.sandbox.line_phones import LinePhones
from bot.sandbox.people import SandboxPerson
from bot.sandbox.phones import SandboxPhones
from web.phones import ChatView, PhoneOwner, Place, Sample


class Switchboard:
    """The Telegram phones and the LINE phones, each call sent to the phone's own kind."""

    def __init__(
        self, telegram: SandboxPhones, line: LinePhones, people: Sequence[SandboxPerson]
    ) -> None:
        self._telegram, self._line = telegram, line
        self._owners: list[PhoneOwner] = []
        for person in people:
            if person.on_telegram:
                self._owners.append(person.owner)
            if (on_line := person.line_owner) is not None:
                self._owners.append(on_line)

    def people(self) -> Sequence[PhoneOwner]:
        return self._owners

    def places(self) -> Sequence[Place]:
        return self._telegram.places()

    def samples(self) -> Sequence[Sample]:
        return self._telegram.samples()

    def view(self, user_id: int) -> ChatView:
        if self._line.holds(user_id):
            return self._line.view(user_id)
        return self._telegram.view(user_id)

    async def wait(self, user_id: int, after_seq: int, timeout: float) -> int:  # noqa: ASYNC109
        if self._line.holds(user_id):
            return await self._line.wait(user_id, after_seq, timeout)
        return await self._telegram.wait(user_id, after_seq, timeout)

    async def send_text(self, user_id: int, text: str, reply_to: int | None = None) -> None:
        if self._line.holds(user_id):
            await self._line.send_text(user_id, text, reply_to)
        else:
            await self._telegram.send_text(user_id, text, reply_to)

    async def press(self, user_id: int, message_id: int, data: str) -> None:
        if self._line.holds(user_id):
            await self._line.press(user_id, message_id, data)
        else:
            await self._telegram.press(user_id, message_id, data)

    async def send_sample(self, user_id: int, sample_key: str, reply_to: int | None = None) -> None:
        if not self._line.holds(user_id):
            await self._telegram.send_sample(user_id, sample_key, reply_to)

    async def share_location(self, user_id: int, place_key: str) -> None:
        if not self._line.holds(user_id):
            await self._telegram.share_location(user_id, place_key)

    def file(self, user_id: int, file_id: str) -> tuple[bytes, str] | None:
        if self._line.holds(user_id):
            return None  # the bot sends LINE no files yet (bot/line/messages.py)
        return self._telegram.file(user_id, file_id)
