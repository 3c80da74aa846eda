"""Replies arrive when the Bot API fails: every prompt in order, the filed confirmation once,
and no error notice, with about a third of the reporter's sendMessage calls failing."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.senders import telegram as telegram_sender
from storage.models import Delivery, DeliveryKind, DeliveryStatus
from tests.fakes import SentMessage
from tests.support.harness import Driver, Harness
from tests.support.reporting import file_report

FAULT_RATE = 0.3
SEED = 12
# A hang: the answer comes after the client gave up (the fault means nothing was sent).
HANG_S = 0.6
# Back-off of the first few attempts is at most a few seconds on the application's clock.
RETRY_STEP = timedelta(seconds=20)

# The questions of the report, in the order they must arrive, then the confirmation.
IN_ORDER = [
    "ประเภทใด",
    "ความเร่งด่วน",
    "ระดับสาธารณภัย",
    "อำเภอใด",
    "สถานที่เกิดเหตุ",
    "ส่งตำแหน่งปัจจุบัน",
    "เวลาเกิดเหตุ",
    "รายละเอียด",
    "ผู้ได้รับผลกระทบ",
    "ความเสียหาย",
    "รูปภาพและไฟล์",
    "ได้รับแล้ว",
    "ตรวจสอบรายงาน",
    "ส่งรายงานแล้ว",
]


class FaultyApi:
    """The fake Bot API as the reporter's driver sees it: before each of the reporter's
    actions, the next sendMessage to them fails (500, 502 or a hang past the read timeout)
    with probability FAULT_RATE, sometimes twice; waiting for a reply moves the
    application's clock on, so retries come due."""

    def __init__(self, bot: Harness, chat_id: int, rng: random.Random) -> None:
        self._bot = bot
        self._api = bot.api
        self._chat_id = chat_id
        self._rng = rng
        self.injected: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._api, name)

    def _maybe_fail(self) -> None:
        while self._rng.random() < FAULT_RATE:
            kind = self._rng.choice(["500", "502", "hang"])
            self.injected[kind] += 1
            code = 500 if kind == "hang" else int(kind)
            self._api.fail_next("sendMessage", code, times=1, chat_id=self._chat_id)
            if kind == "hang":
                self._api.delay("sendMessage", HANG_S, times=1, chat_id=self._chat_id)
            if self._rng.random() < 0.5:
                break

    def send_text(self, *args: Any, **kwargs: Any) -> Any:
        self._maybe_fail()
        return self._api.send_text(*args, **kwargs)

    def send_photo(self, *args: Any, **kwargs: Any) -> Any:
        self._maybe_fail()
        return self._api.send_photo(*args, **kwargs)

    def send_location(self, *args: Any, **kwargs: Any) -> Any:
        self._maybe_fail()
        return self._api.send_location(*args, **kwargs)

    def press_button(self, *args: Any, **kwargs: Any) -> Any:
        self._maybe_fail()
        return self._api.press_button(*args, **kwargs)

    async def wait_for_message(
        self, chat_id: int, predicate: Any = None, timeout: float = 10.0, *, since: Any = None
    ) -> SentMessage:
        for _ in range(40):
            try:
                return await self._api.wait_for_message(chat_id, predicate, 0.3, since=since)
            except AssertionError:
                await self._bot.advance(RETRY_STEP)
        return await self._api.wait_for_message(chat_id, predicate, timeout, since=since)


@pytest.fixture
def short_read_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """A hang of HANG_S is a timeout to the sender."""
    monkeypatch.setattr(
        telegram_sender,
        "SEND_TIMEOUTS",
        {"read_timeout": HANG_S / 2, "write_timeout": 5, "connect_timeout": 5},
    )


@pytest.mark.usefixtures("short_read_timeout")
async def test_a_reporter_gets_every_reply_once_and_in_order_when_sends_fail(bot: Harness):
    await bot.join_executives()
    reporter = await bot.join(2101, "D6604")
    start = bot.api.mark()
    faulty = FaultyApi(bot, reporter.id, random.Random(SEED))

    filed = await file_report(Driver(faulty), reporter)  # type: ignore[arg-type]
    await bot.drain()

    texts = [m.text or "" for m in bot.api.sent_messages(reporter.id, since=start)]
    assert "PCT-2569-0001" in (filed.text or "")
    assert not any("ระบบขัดข้อง" in text for text in texts)
    # Exactly once each: a failed send delivered nothing, so a retry makes no copy.
    assert all(count == 1 for count in Counter(texts).values()), Counter(texts)
    positions = [next(i for i, text in enumerate(texts) if part in text) for part in IN_ORDER]
    assert positions == sorted(positions), list(zip(IN_ORDER, positions, strict=True))
    assert sum(1 for text in texts if "ส่งรายงานแล้ว" in text) == 1

    failed = [
        c
        for c in bot.api.calls("sendMessage", since=start)
        if str(c.params.get("chat_id")) == str(reporter.id) and c.status >= 500
    ]
    sent = [
        c
        for c in bot.api.calls("sendMessage", since=start)
        if str(c.params.get("chat_id")) == str(reporter.id)
    ]
    print(f"reporter's sendMessage: {len(sent)} calls, {len(failed)} failed; {faulty.injected}")
    assert faulty.injected["hang"] and len(failed) >= 0.2 * len(sent)
    async with bot.runtime.db.read() as session:
        rows = (
            await session.scalars(
                select(Delivery).where(
                    Delivery.chat_id == reporter.id, Delivery.kind == DeliveryKind.MESSAGE
                )
            )
        ).all()
    assert rows and all(row.status is DeliveryStatus.SENT for row in rows)
    assert any(row.attempts > 1 for row in rows)
