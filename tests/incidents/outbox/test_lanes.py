"""Which deliveries wait for which: lanes, claims by instance, a hung send, a raising delivery."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, timedelta

import pytest
from sqlalchemy import select, update

from incidents import instances
from incidents.outbox import queue as outbox
from incidents.outbox.delivery import OutcomeKind, SendOutcome
from incidents.outbox.loop import MAX_ATTEMPTS_FOR_BUGS, DeliveryLoop, running
from incidents.outbox.params import DeliveryParams
from incidents.outbox.render import Rendered, Renderer
from incidents.text.rich import Text
from storage.db import Database
from storage.models import Delivery, DeliveryKind, DeliveryStatus
from tests.incidents.outbox.test_loop import FakeHooks
from tests.support.clock import ManualClock

CHAT, OTHER_CHAT = 2001, 2002


@dataclass
class GatedSender:
    """Sends at once, except texts named in `hold` (kept until released) or `fail` (raise),
    and answers TRANSIENT for texts in `transient`."""

    hold: dict[str, asyncio.Event] = field(default_factory=dict)
    fail: set[str] = field(default_factory=set)
    transient: set[str] = field(default_factory=set)
    sent: list[str] = field(default_factory=list)
    started: list[str] = field(default_factory=list)

    async def send(
        self, chat_id: int, rendered: Rendered, reply_to: int | None, target: int | None
    ) -> SendOutcome:
        text = rendered.text.plain()
        self.started.append(text)
        if text in self.hold:
            await self.hold[text].wait()
        if text in self.fail:
            raise RuntimeError("an odd answer")
        if text in self.transient:
            return SendOutcome(OutcomeKind.TRANSIENT, error="network: reset")
        self.sent.append(text)
        return SendOutcome(OutcomeKind.SENT, message_id=100 + len(self.sent))


class RaisingRenderer(Renderer):
    """Renders as usual, but raises for one text."""

    def __init__(self, bad: str) -> None:
        super().__init__(UTC)
        self.bad = bad

    async def render(self, session, delivery):  # type: ignore[no-untyped-def]
        rendered = await super().render(session, delivery)
        if rendered is not None and rendered.text.plain() == self.bad:
            raise ValueError("a renderer bug")
        return rendered


@pytest.fixture
def sender() -> GatedSender:
    return GatedSender()


@pytest.fixture
def hooks() -> FakeHooks:
    return FakeHooks()


def make_loop(
    db: Database, sender: GatedSender, hooks: FakeHooks, clock: ManualClock, me: str = "here"
) -> DeliveryLoop:
    return DeliveryLoop(db, sender, clock, hooks, Renderer(UTC), me=me)


async def queue(
    db: Database,
    clock: ManualClock,
    text: str,
    chat_id: int = CHAT,
    *,
    lane: str | None = None,
    edit_of_id: int | None = None,
) -> int:
    async with db.write() as session:
        row = outbox.enqueue(
            session,
            DeliveryKind.MESSAGE,
            chat_id,
            clock.now(),
            params=DeliveryParams(text=Text(text)),
            lane=lane,
            edit_of_id=edit_of_id,
        )
        await session.flush()
        return row.id


async def held_by(db: Database, clock: ManualClock, row_id: int, name: str) -> None:
    """A live instance `name` (beating now) holds the row's claim."""
    async with db.write() as session:
        await instances.register(session, name, clock.now())
        await session.execute(update(Delivery).where(Delivery.id == row_id).values(claimed_by=name))


async def status_of(db: Database, delivery_id: int) -> Delivery:
    async with db.read() as session:
        return await session.get_one(Delivery, delivery_id)


async def test_the_default_lane_is_the_chat_and_the_incident(db, clock):
    assert outbox.default_lane(CHAT, 7) == f"{CHAT}:7"
    assert outbox.default_lane(CHAT, None) == f"{CHAT}"
    row_id = await queue(db, clock, "ข่าว")
    assert (await status_of(db, row_id)).lane == f"{CHAT}"


async def test_a_retrying_delivery_holds_its_lane_but_not_another_lane_of_the_chat(
    db, sender, hooks, clock
):
    loop = make_loop(db, sender, hooks, clock)
    sender.transient.add("เหตุหนึ่ง")
    await queue(db, clock, "เหตุหนึ่ง", lane=f"{CHAT}:1")
    await queue(db, clock, "ตามเหตุหนึ่ง", lane=f"{CHAT}:1")
    await queue(db, clock, "เหตุสอง", lane=f"{CHAT}:2")

    await loop.run_once()
    await loop.run_once()

    # Incident 2's alert to the same chat went; incident 1's follow-up waits behind its alert.
    assert sender.sent == ["เหตุสอง"]
    sender.transient.clear()
    clock.advance(timedelta(minutes=10))
    await loop.run_once()
    await loop.run_once()
    assert sender.sent == ["เหตุสอง", "เหตุหนึ่ง", "ตามเหตุหนึ่ง"]


async def test_rows_from_before_lanes_keep_the_chat_order(db, sender, hooks, clock):
    first = await queue(db, clock, "หนึ่ง")
    second = await queue(db, clock, "สอง")
    async with db.write() as session:
        await session.execute(
            update(Delivery).where(Delivery.id.in_([first, second])).values(lane=None)
        )
    loop = make_loop(db, sender, hooks, clock)

    await loop.run_once()
    assert sender.sent == ["หนึ่ง"]
    await loop.run_once()
    assert sender.sent == ["หนึ่ง", "สอง"]
    assert (await status_of(db, second)).lane == f"{CHAT}"


async def test_an_edit_waits_until_the_message_it_edits_has_gone(db, sender, hooks, clock):
    loop = make_loop(db, sender, hooks, clock)
    sender.transient.add("ต้นฉบับ")
    original = await queue(db, clock, "ต้นฉบับ", lane="a")
    await queue(db, clock, "แก้", lane="b", edit_of_id=original)

    await loop.run_once()
    await loop.run_once()
    assert sender.started == ["ต้นฉบับ"]  # the edit was not even tried

    sender.transient.clear()
    clock.advance(timedelta(minutes=10))
    await loop.run_once()
    await loop.run_once()
    assert sender.started == ["ต้นฉบับ", "ต้นฉบับ", "แก้"]


async def test_a_hung_send_holds_only_its_own_lane(db, sender, hooks, clock):
    loop = make_loop(db, sender, hooks, clock)
    sender.hold["ค้าง"] = asyncio.Event()
    await queue(db, clock, "ค้าง", lane=f"{CHAT}:1")
    await queue(db, clock, "ตามที่ค้าง", lane=f"{CHAT}:1")
    await queue(db, clock, "เหตุอื่นแชตเดิม", lane=f"{CHAT}:2")
    await queue(db, clock, "แชตอื่น", chat_id=OTHER_CHAT)

    async with running(loop):
        for _ in range(200):
            if len(sender.sent) == 2:
                break
            await asyncio.sleep(0.01)
        # The other lanes went while the first send hung; its follow-up has not started.
        assert sorted(sender.sent) == sorted(["เหตุอื่นแชตเดิม", "แชตอื่น"])
        assert "ตามที่ค้าง" not in sender.started
        sender.hold["ค้าง"].set()
        for _ in range(200):
            if len(sender.sent) == 4:
                break
            loop.wake()
            await asyncio.sleep(0.01)
    assert sender.sent[2:] == ["ค้าง", "ตามที่ค้าง"]


async def test_a_sender_that_raises_fails_only_its_own_delivery_then_is_given_up(
    db, sender, hooks, clock
):
    loop = make_loop(db, sender, hooks, clock)
    sender.fail.add("พัง")
    bad = await queue(db, clock, "พัง", lane="a")
    await queue(db, clock, "ปกติ", lane="b")

    assert await loop.run_once() == 2
    assert sender.sent == ["ปกติ"]
    row = await status_of(db, bad)
    assert row.status is DeliveryStatus.PENDING and row.attempts == 1
    assert "an odd answer" in row.last_error and row.claimed_by is None

    for _ in range(MAX_ATTEMPTS_FOR_BUGS):
        clock.advance(timedelta(minutes=10))
        await loop.run_once()
    row = await status_of(db, bad)
    assert (row.status, row.attempts) == (DeliveryStatus.FAILED, MAX_ATTEMPTS_FOR_BUGS)
    assert [d for d, _ in hooks.gave_up] == [bad]
    assert bad in hooks.delivered


async def test_a_renderer_that_raises_for_one_row_leaves_the_others_alone(db, sender, hooks, clock):
    loop = DeliveryLoop(db, sender, clock, hooks, RaisingRenderer("พัง"), me="here")
    bad = await queue(db, clock, "พัง", lane="a")
    good = await queue(db, clock, "ปกติ", lane="b")

    await loop.run_once()

    assert sender.sent == ["ปกติ"]
    assert (await status_of(db, good)).status is DeliveryStatus.SENT
    row = await status_of(db, bad)
    assert row.status is DeliveryStatus.PENDING and "renderer bug" in row.last_error


async def test_hooks_that_raise_after_a_send_do_not_send_it_again(db, sender, hooks, clock):
    async def broken(*_args: object) -> None:
        raise RuntimeError("hook bug")

    hooks.on_delivered = broken  # type: ignore[method-assign]
    loop = make_loop(db, sender, hooks, clock)
    row_id = await queue(db, clock, "ข่าว")

    await loop.run_once()
    clock.advance(timedelta(minutes=10))
    await loop.run_once()

    assert sender.sent == ["ข่าว"]
    assert (await status_of(db, row_id)).status is DeliveryStatus.SENT


async def test_a_dead_instances_claims_are_free_and_a_live_ones_are_not(db, sender, hooks, clock):
    row_id = await queue(db, clock, "ข่าว")
    await held_by(db, clock, row_id, "other")
    loop = make_loop(db, sender, hooks, clock)

    assert await loop.run_once() == 0  # "other" is alive: the row is its own
    clock.advance(instances.DEAD_AFTER + timedelta(seconds=1))
    assert await loop.run_once() == 1  # it stopped beating: anyone may send it
    assert sender.sent == ["ข่าว"]


async def test_a_restart_takes_back_its_own_claims_at_once(db, sender, hooks, clock):
    row_id = await queue(db, clock, "ข่าว")
    await held_by(db, clock, row_id, "here")
    loop = make_loop(db, sender, hooks, clock)
    assert await loop.run_once() == 0  # a live claim in our name is a send in progress

    async with db.write() as session:  # the process starts again under its name
        await instances.register(session, "here", clock.now())
    assert await loop.run_once() == 1
    assert sender.sent == ["ข่าว"]


async def test_our_own_claim_is_not_taken_again_while_our_heartbeat_looks_stale(
    db, sender, hooks, clock
):
    # After a clock jump (or a stalled beat) our instance looks dead until it beats again;
    # a row we are sending must not be claimed again then (its first send's record would
    # fail, and the second claim would be left with nobody to send it).
    row_id = await queue(db, clock, "ข่าว")
    await held_by(db, clock, row_id, "here")
    loop = make_loop(db, sender, hooks, clock)
    clock.advance(instances.DEAD_AFTER + timedelta(minutes=10))
    assert await loop.run_once() == 0
    assert sender.sent == []


async def test_send_now_rows_are_claimed_in_the_attached_loops_name(db, sender, hooks, clock):
    loop = make_loop(db, sender, hooks, clock, me="filer")
    loop.attach()
    async with db.write() as session:
        row = outbox.enqueue(
            session,
            DeliveryKind.MESSAGE,
            CHAT,
            clock.now(),
            params=DeliveryParams(text=Text("ด่วน")),
            send_now=True,
        )
        await session.flush()
        # Another instance claiming now does not see it as free.
        assert await outbox.claim(session, "someone-else", clock.now()) == []
        row_id = row.id
    await loop.wait_sent()
    assert sender.sent == ["ด่วน"]
    async with db.read() as session:
        sent = await session.scalar(select(Delivery).where(Delivery.id == row_id))
    assert sent is not None and sent.status is DeliveryStatus.SENT and sent.claimed_by is None
