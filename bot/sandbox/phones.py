"""`SandboxPhones`: the web log's `Phones` over the in-process simulated Telegram (the LINE
phones are `bot/sandbox/line_phones.py`'s; `switchboard.py` puts both behind one `Phones`)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.sandbox import samples
from bot.sandbox.people import SandboxPerson
from incidents.provinces import ProvinceData
from simulator.telegram import FakeBotAPI
from simulator.telegram import views as sim
from web.phones import (
    CallbackButton,
    ChatView,
    Entity,
    Message,
    PhoneOwner,
    Place,
    Popup,
    Sample,
    UrlButton,
    district_seats,
)


class SandboxPhones:
    """The sample roster's phones: each person's chat with the bot, read from the simulator,
    and what they do on it injected as that simulated user."""

    def __init__(
        self, api: FakeBotAPI, people: Sequence[SandboxPerson], province: ProvinceData, tz: ZoneInfo
    ) -> None:
        self._api = api
        self._owners = [person.owner for person in people if person.on_telegram]
        self._places = district_seats(province)
        self._tz = tz

    def people(self) -> Sequence[PhoneOwner]:
        return self._owners

    def places(self) -> Sequence[Place]:
        return self._places

    def samples(self) -> Sequence[Sample]:
        return samples.SAMPLES

    def view(self, user_id: int) -> ChatView:
        chat = self._api.chat_view(user_id)
        keyboard = chat.reply_keyboard
        return {
            "seq": chat.seq,
            "messages": [self._message(m) for m in chat.messages],
            "keyboard": None
            if keyboard is None or keyboard.collapsed
            else [[button.text for button in row] for row in keyboard.rows],
            "popup": self._popup(user_id, chat.popups),
        }

    async def wait(self, user_id: int, after_seq: int, timeout: float) -> int:  # noqa: ASYNC109
        changes = await self._api.wait_for_changes(after_seq, user_id, timeout)
        return max((change.seq for change in changes), default=after_seq)

    # The simulator's driving methods take its lock only briefly: fine to call from the loop.
    async def send_text(self, user_id: int, text: str, reply_to: int | None = None) -> None:
        self._api.send_text(user_id, text, reply_to=reply_to)

    async def press(self, user_id: int, message_id: int, data: str) -> None:
        # The page only offers the buttons it was shown; a stale one is refused as a phone would.
        await asyncio.to_thread(self._api.press_button, user_id, message_id, data)

    async def send_sample(self, user_id: int, sample_key: str, reply_to: int | None = None) -> None:
        sample = samples.by_key(sample_key)
        if sample.kind is samples.SampleKind.PHOTO:
            self._api.send_photo(user_id, samples.content(sample), reply_to=reply_to)
        else:
            self._api.send_document(
                user_id,
                samples.content(sample),
                file_name=samples.file_name(sample),
                mime_type="application/pdf",
                reply_to=reply_to,
            )

    async def share_location(self, user_id: int, place_key: str) -> None:
        place = next(p for p in self._places if p.key == place_key)
        self._api.send_location(user_id, place.latitude, place.longitude)

    def file(self, user_id: int, file_id: str) -> tuple[bytes, str] | None:
        shown = self._api.chat_view(user_id).messages
        if all(message.file_id != file_id for message in shown):
            return None
        data = self._api.file_bytes(file_id)
        return data, samples.content_type(data)

    def _message(self, message: sim.ViewMessage) -> Message:
        at = datetime.fromtimestamp(message.date, UTC).astimezone(self._tz)
        buttons: list[list[CallbackButton | UrlButton]] = []
        for row in message.inline_keyboard:
            shown: list[CallbackButton | UrlButton] = []
            for button in row:
                if button.url is not None:
                    shown.append({"text": button.text, "url": button.url})
                elif button.callback_data is not None:
                    shown.append({"text": button.text, "data": button.callback_data})
            if shown:
                buttons.append(shown)
        quote = message.reply_to
        return {
            "id": message.message_id,
            "from": "bot" if message.from_bot else "me",
            "at": at.isoformat(),
            "text": message.text or "",
            "entities": [_entity(e) for e in message.entities],
            "photo": message.file_id if message.kind == "photo" else None,
            "document": {"name": message.file_name or "", "file_id": message.file_id}
            if message.kind == "document" and message.file_id
            else None,
            "location": None
            if message.location is None
            else {"latitude": message.location[0], "longitude": message.location[1]},
            "reply_to": None
            if quote is None
            else {"id": quote.message_id, "text": quote.text or ""},
            "edited": message.edited,
            "buttons": buttons,
        }

    def _popup(self, user_id: int, popups: list[sim.Popup]) -> Popup | None:
        """The last pop-up, with its place in the feed (the page shows each one once)."""
        if not popups:
            return None
        last = popups[-1]
        return {"text": last.text, "alert": last.show_alert, "seq": last.seq}


def _entity(raw: dict[str, object]) -> Entity:
    entity: Entity = {
        "type": str(raw["type"]),
        "offset": int(str(raw["offset"])),
        "length": int(str(raw["length"])),
    }
    if "url" in raw:
        entity["url"] = str(raw["url"])
    if "language" in raw:
        entity["language"] = str(raw["language"])
    return entity
