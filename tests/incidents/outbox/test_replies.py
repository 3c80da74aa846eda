"""The reply buffer: replies are written with the unit of work they report, in order."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from incidents.actions import Button, ReplyKeyboard
from incidents.core import Core
from incidents.outbox import queue, replies
from incidents.text.rich import Text, b
from storage.db import Database
from storage.models import Delivery, DeliveryKind
from tests.support.clock import ManualClock
from tests.support.core import core_with_roster, queued

CHAT = 2001


@pytest.fixture
async def core(db: Database, clock: ManualClock, tmp_path: Path) -> Core:
    return await core_with_roster(db, clock, tmp_path)


async def _rows(core: Core) -> list[Delivery]:
    async with core.reading() as session:
        query = select(Delivery).where(Delivery.kind == DeliveryKind.MESSAGE)
        return list((await session.scalars(query.order_by(Delivery.id))).all())


async def test_outside_a_scope_a_reply_is_written_at_once(core: Core):
    await replies.send(core, replies.reply(CHAT, Text(b("รับทราบ")), keyboard=ReplyKeyboard.REMOVE))

    [row] = await queued(core, DeliveryKind.MESSAGE)
    assert row.chat_id == CHAT
    assert row.params.text == Text(b("รับทราบ"))
    assert row.params.keyboard is ReplyKeyboard.REMOVE


async def test_replies_go_with_the_next_unit_of_work_and_the_rest_at_the_flush(core: Core):
    replies.open_scope()
    await replies.send(core, replies.reply(CHAT, "หนึ่ง"))
    assert await _rows(core) == []  # buffered, not written

    async with core.unit():
        pass
    assert [Text.from_json(r.params["text"]).plain() for r in await _rows(core)] == ["หนึ่ง"]

    await replies.send(core, replies.reply(CHAT, "สอง"), replies.reply(CHAT, "สาม"))
    await replies.flush(core)

    rows = await _rows(core)
    assert [Text.from_json(r.params["text"]).plain() for r in rows] == ["หนึ่ง", "สอง", "สาม"]
    assert {r.lane for r in rows} == {replies.lane_of(CHAT)}
    assert replies.current() is None  # the flush closed the scope


async def test_a_unit_that_rolls_back_keeps_its_replies_for_the_next(core: Core):
    replies.open_scope()
    await replies.send(core, replies.reply(CHAT, "แจ้งแล้ว"))
    with pytest.raises(RuntimeError):
        async with core.unit():
            raise RuntimeError("the use case failed")
    assert await _rows(core) == []

    await replies.flush(core)

    assert [Text.from_json(r.params["text"]).plain() for r in await _rows(core)] == ["แจ้งแล้ว"]


async def test_only_the_first_reply_to_an_idle_chat_takes_the_fast_path(core: Core):
    # As a delivery loop's attach() does, without its commit hook sending anything.
    core.db.sessions.configure(info={queue.SENDER: "this-instance"})
    await replies.send(core, replies.reply(CHAT, "ก"), replies.reply(CHAT, "ข"))
    await replies.send(core, replies.reply(CHAT, "ค"))  # "ก" and "ข" are still pending

    claimed = [r.claimed_by for r in await _rows(core)]
    assert claimed == ["this-instance", None, None]


def test_a_reply_carries_buttons_or_a_keyboard_not_both():
    with pytest.raises(ValueError, match="not both"):
        replies.reply(
            CHAT,
            "x",
            buttons=((Button(label="y", url="https://e.x"),),),
            keyboard=ReplyKeyboard.REMOVE,
        )
