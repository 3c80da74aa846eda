"""Each person's updates run in order; different people's updates run side by side."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from telegram import Chat, Message, Update, User

from bot.update_processor import PerUserUpdateProcessor


def text_update(update_id: int, user_id: int) -> Update:
    user = User(user_id, f"u{user_id}", is_bot=False)
    chat = Chat(user_id, Chat.PRIVATE)
    message = Message(update_id, datetime.now(UTC), chat, from_user=user, text=str(update_id))
    return Update(update_id, message=message)


async def test_one_persons_updates_run_one_at_a_time_in_arrival_order():
    processor = PerUserUpdateProcessor()
    log: list[tuple[str, int]] = []

    async def handle(update_id: int, delay: float) -> None:
        log.append(("start", update_id))
        await asyncio.sleep(delay)
        log.append(("end", update_id))

    # The first update is slow; a naive concurrent processor would finish 2 and 3 first.
    await asyncio.gather(
        processor.process_update(text_update(1, 10), handle(1, 0.05)),
        processor.process_update(text_update(2, 10), handle(2, 0.0)),
        processor.process_update(text_update(3, 10), handle(3, 0.01)),
    )

    assert log == [("start", 1), ("end", 1), ("start", 2), ("end", 2), ("start", 3), ("end", 3)]


async def test_different_people_do_not_wait_for_each_other():
    processor = PerUserUpdateProcessor()
    finished: list[int] = []
    slow_started = asyncio.Event()
    release = asyncio.Event()

    async def slow() -> None:
        slow_started.set()
        await release.wait()
        finished.append(1)

    async def fast() -> None:
        finished.append(2)

    slow_task = asyncio.create_task(processor.process_update(text_update(1, 10), slow()))
    await slow_started.wait()
    await asyncio.wait_for(processor.process_update(text_update(2, 20), fast()), timeout=1)
    release.set()
    await slow_task

    assert finished == [2, 1]


async def test_locks_are_released_when_a_person_goes_quiet():
    processor = PerUserUpdateProcessor()

    async def nothing() -> None:
        return None

    await processor.process_update(text_update(1, 10), nothing())

    assert processor._locks == {}
