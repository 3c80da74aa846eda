"""An in-test `Phones`: three people whose chats start with an alert, answer what they do the
way a bot would (a reply, an edit, a pop-up), and record every action."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, cast

from incidents import provinces
from tests.fakes import make_png
from web.phones import (
    CallbackButton,
    ChatView,
    Entity,
    Message,
    PhoneOwner,
    Place,
    Popup,
    Sample,
    SampleKind,
    UrlButton,
    district_seats,
)

REPORTER, GOVERNOR, ADMIN = 7001, 7002, 7003
ALERT = "🚨 เหตุด่วน อุทกภัย\nอ.ตะพานหิน น้ำท่วมถนนสายหลัก"
AT = "2026-11-28T09:00:00+07:00"


def _units(text: str) -> int:
    """A text's length as Telegram counts it, in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _rich() -> tuple[str, list[Entity]]:
    """An instruction using every kind of formatting the page draws, with a hostile piece."""
    pieces: list[tuple[str, list[Entity]]] = [
        ("📝 ข้อสั่งการ ", []),
        ("ตัวหนา ", [{"type": "bold", "offset": 0, "length": 0}]),
        ("เอียง", [{"type": "italic", "offset": 0, "length": 0}]),
        (" ", []),
        ("ขีดเส้นใต้", [{"type": "underline", "offset": 0, "length": 0}]),
        (" ", []),
        ("ขีดฆ่า", [{"type": "strikethrough", "offset": 0, "length": 0}]),
        (" ", []),
        ("<script>alert(1)</script>", [{"type": "code", "offset": 0, "length": 0}]),
        ("\n", []),
        (
            "ประกาศ",
            [{"type": "text_link", "offset": 0, "length": 0, "url": "https://example.org/"}],
        ),
        (" ", []),
        (
            "javascript:alert(2)",
            [{"type": "text_link", "offset": 0, "length": 0, "url": "javascript:alert(2)"}],
        ),
        ("\n", []),
        ("ความลับ", [{"type": "spoiler", "offset": 0, "length": 0}]),
        ("\n", []),
        ("ยกข้อความ", [{"type": "blockquote", "offset": 0, "length": 0}]),
    ]
    text, entities = "", list[Entity]()
    for piece, kinds in pieces:
        for kind in kinds:
            entity = kind.copy()
            entity["offset"], entity["length"] = _units(text), _units(piece)
            entities.append(entity)
        text += piece
    # The bold runs over the italic word too: nested, as Telegram sends it.
    entities[0]["length"] += _units("เอียง")
    return text, entities


def _message(message_id: int, sender: str, text: str, **fields: Any) -> Message:
    message: Message = {
        "id": message_id,
        "from": "me" if sender == "me" else "bot",
        "at": AT,
        "text": text,
        "entities": [],
        "photo": None,
        "document": None,
        "location": None,
        "reply_to": None,
        "edited": False,
        "buttons": [],
    }
    message.update(fields)  # type: ignore[typeddict-item]
    return message


class FakePhones:
    """Phones whose chats change as people act; `change` moves a chat on by hand."""

    def __init__(self, web_url: str = "http://testserver") -> None:
        people = [REPORTER, GOVERNOR, ADMIN]
        self.seq = dict.fromkeys(people, 1)
        self.changed = {user_id: asyncio.Event() for user_id in people}
        self.done: list[tuple[Any, ...]] = []
        self.files: dict[int, dict[str, tuple[bytes, str]]] = {
            REPORTER: {"photo-1": (make_png(4, 4), "image/png")},
            GOVERNOR: {"doc-1": (b"%PDF-1.4 sample", "application/pdf")},
        }
        # 🚨 is two UTF-16 units, as Telegram counts: the bold covers "🚨 เหตุด่วน".
        bold: list[Entity] = [{"type": "bold", "offset": 0, "length": 11}]
        buttons = [
            [{"text": "รับทราบ", "data": "ack:1"}],
            [{"text": "เปิดเว็บบันทึกเหตุการณ์", "url": f"{web_url}/incidents"}],
        ]
        self.chats = {
            user_id: [_message(10, "bot", ALERT, entities=list(bold), buttons=buttons)]
            for user_id in people
        }
        text, entities = _rich()
        close: list[list[CallbackButton | UrlButton]] = [[{"text": "ปิดเหตุการณ์", "data": "close!"}]]
        self.chats[GOVERNOR].append(
            _message(11, "bot", text, entities=entities, edited=True, buttons=close)
        )
        self.keyboard: dict[int, list[list[str]] | None] = {key: [["แจ้งเหตุ"]] for key in people}
        self.popup: dict[int, Popup | None] = dict.fromkeys(people)
        self._next_id = 100

    def link_to(self, web_url: str) -> None:
        """Point the alerts' web-log buttons at where the web log listens."""
        for chat in self.chats.values():
            for row in chat[0]["buttons"]:
                for button in row:
                    if "url" in button:
                        cast(UrlButton, button)["url"] = f"{web_url}/incidents"

    def people(self) -> Sequence[PhoneOwner]:
        return [
            PhoneOwner(REPORTER, "นายอำเภอตะพานหิน <b>ทดสอบ</b>", "นายอำเภอ", "อำเภอตะพานหิน"),
            PhoneOwner(GOVERNOR, "ผู้ว่าราชการจังหวัดพิจิตร", "ผู้บริหาร", "จังหวัดพิจิตร"),
            PhoneOwner(ADMIN, "ผู้ดูแลระบบ", "ผู้ดูแลระบบ", "สำนักงานจังหวัด"),
        ]

    def places(self) -> Sequence[Place]:
        return district_seats(provinces.load("phichit"))

    def samples(self) -> Sequence[Sample]:
        return [
            Sample("flood", "ภาพน้ำท่วมถนน", SampleKind.PHOTO),
            Sample("memo", "บันทึกข้อความ (PDF)", SampleKind.DOCUMENT),
        ]

    def view(self, user_id: int) -> ChatView:
        return {
            "seq": self.seq[user_id],
            "messages": list(self.chats[user_id]),
            "keyboard": self.keyboard[user_id],
            "popup": self.popup[user_id],
        }

    async def wait(self, user_id: int, after_seq: int, timeout: float) -> int:
        if self.seq[user_id] <= after_seq:
            try:
                await asyncio.wait_for(self.changed[user_id].wait(), timeout)
            except TimeoutError:
                return after_seq
            self.changed[user_id].clear()
        return self.seq[user_id]

    def change(self, user_id: int) -> None:
        self.seq[user_id] += 1
        self.changed[user_id].set()

    def _add(self, user_id: int, sender: str, text: str, **fields: Any) -> None:
        self._next_id += 1
        self.chats[user_id].append(_message(self._next_id, sender, text, **fields))

    def _quoted(self, user_id: int, reply_to: int | None) -> dict[str, Any] | None:
        found = next((m for m in self.chats[user_id] if m["id"] == reply_to), None)
        return {"id": found["id"], "text": found["text"]} if found else None

    async def send_text(self, user_id: int, text: str, reply_to: int | None = None) -> None:
        self.done.append(("text", user_id, text, reply_to))
        self._add(user_id, "me", text, reply_to=self._quoted(user_id, reply_to))
        received: list[Entity] = [{"type": "italic", "offset": 0, "length": 13}]
        self._add(user_id, "bot", f"ได้รับข้อความ: {text}", entities=received)
        self.popup[user_id] = None
        self.change(user_id)

    async def press(self, user_id: int, message_id: int, data: str) -> None:
        self.done.append(("press", user_id, message_id, data))
        for message in self.chats[user_id]:
            if message["id"] == message_id:
                message["text"] = f"{message['text']}\n✅ ดำเนินการแล้ว"
                message["edited"] = True
                message["buttons"] = [row for row in message["buttons"] if "url" in row[0]]
        # A data ending in "!" is answered with show_alert, as a confirmation would be.
        if data.endswith("!"):
            text, alert = "ปิดเหตุการณ์เรียบร้อยแล้ว", True
        else:
            text, alert = "บันทึกการรับทราบแล้ว", False
        # The answer carries the place in the feed it is shown at: the change made just below.
        self.popup[user_id] = {"text": text, "alert": alert, "seq": self.seq[user_id] + 1}
        self.change(user_id)

    async def send_sample(self, user_id: int, sample_key: str, reply_to: int | None = None) -> None:
        self.done.append(("sample", user_id, sample_key, reply_to))
        self.files.setdefault(user_id, {})[f"sample-{sample_key}"] = (
            make_png(240, 160, (70, 130, 180)),
            "image/png",
        )
        self._add(user_id, "me", "", photo=f"sample-{sample_key}")
        self.change(user_id)

    async def share_location(self, user_id: int, place_key: str) -> None:
        self.done.append(("location", user_id, place_key))
        place = next(p for p in self.places() if p.key == place_key)
        where = {"latitude": place.latitude, "longitude": place.longitude}
        self._add(user_id, "me", "", location=where)
        self.change(user_id)

    def file(self, user_id: int, file_id: str) -> tuple[bytes, str] | None:
        return self.files.get(user_id, {}).get(file_id)
