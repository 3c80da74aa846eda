"""The delivery loop, with a fake sender instead of any chat app: what each outcome does."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.outbox import queue as outbox
from incidents.outbox.delivery import OutcomeKind, SendOutcome
from incidents.outbox.loop import MAX_ATTEMPTS_FOR_BUGS, DeliveryLoop
from incidents.outbox.params import DeliveryParams
from incidents.outbox.render import Method, Rendered, Renderer
from incidents.text.rich import Text
from storage.db import Database
from storage.models import Delivery, DeliveryKind, DeliveryStatus
from tests.support.clock import ManualClock

CHAT, OTHER_CHAT = 2001, 2002


@dataclass
class FakeSender:
    """Answers every send with the next scripted outcome (SENT with a fresh id when none)."""

    script: list[SendOutcome] = field(default_factory=list)
    sent: list[tuple[int, Rendered]] = field(default_factory=list)

    async def send(
        self, chat_id: int, rendered: Rendered, reply_to: int | None, target: int | None
    ) -> SendOutcome:
        self.sent.append((chat_id, rendered))
        if self.script:
            return self.script.pop(0)
        return SendOutcome(OutcomeKind.SENT, message_id=100 + len(self.sent))


@dataclass
class FakeHooks:
    """Records what the loop told the rest of the core."""

    delivered: list[int] = field(default_factory=list)
    unreachable: list[tuple[int, str]] = field(default_factory=list)
    gave_up: list[tuple[int, str]] = field(default_factory=list)
    exhausted: list[int] = field(default_factory=list)

    async def on_delivered(self, session: AsyncSession, delivery: Delivery, now: datetime) -> None:
        self.delivered.append(delivery.id)

    async def on_unreachable(
        self, session: AsyncSession, delivery: Delivery, reason: str, now: datetime
    ) -> None:
        self.unreachable.append((delivery.id, reason))

    async def on_gave_up(
        self,
        session: AsyncSession,
        delivery: Delivery,
        error: str,
        now: datetime,
        *,
        too_old: bool = False,
    ) -> None:
        self.gave_up.append((delivery.id, error))

    async def on_exhausted(self, session: AsyncSession, delivery: Delivery, now: datetime) -> None:
        self.exhausted.append(delivery.id)


@pytest.fixture
def sender() -> FakeSender:
    return FakeSender()


@pytest.fixture
def hooks() -> FakeHooks:
    return FakeHooks()


@pytest.fixture
def loop(db: Database, sender: FakeSender, hooks: FakeHooks, clock: ManualClock) -> DeliveryLoop:
    return DeliveryLoop(db, sender, clock, hooks, Renderer(UTC), me="here")


async def queue(db: Database, clock: ManualClock, text: str, chat_id: int = CHAT) -> None:
    async with db.write() as session:
        outbox.enqueue(
            session,
            DeliveryKind.MESSAGE,
            chat_id,
            clock.now(),
            params=DeliveryParams(text=Text(text)),
        )


async def rows(db: Database) -> list[Delivery]:
    async with db.read() as session:
        return list((await session.scalars(select(Delivery).order_by(Delivery.id))).all())


async def test_a_sent_delivery_records_its_message_and_tells_the_core(
    db, loop, sender, hooks, clock
):
    await queue(db, clock, "ข่าว")

    assert await loop.run_once() == 1

    [row] = await rows(db)
    assert (row.status, row.telegram_message_id, row.attempts) == (DeliveryStatus.SENT, 101, 1)
    assert row.claim_token is None and row.sent_at is not None
    assert sender.sent[0][0] == CHAT
    assert (sender.sent[0][1].method, sender.sent[0][1].text) == (Method.TEXT, Text("ข่าว"))
    assert hooks.delivered == [row.id]


async def test_messages_to_one_chat_go_one_at_a_time_in_order(db, loop, sender, clock):
    await queue(db, clock, "หนึ่ง")
    await queue(db, clock, "สอง")
    await queue(db, clock, "อื่น", chat_id=OTHER_CHAT)

    await loop.run_once()
    assert [r.text.plain() for _, r in sender.sent] == ["หนึ่ง", "อื่น"]
    await loop.run_once()
    assert [r.text.plain() for _, r in sender.sent] == ["หนึ่ง", "อื่น", "สอง"]


async def test_a_flood_limit_puts_the_row_back_for_the_delay_asked(db, loop, sender, clock):
    sender.script.append(
        SendOutcome(OutcomeKind.RETRY_AFTER, error="retry_after", retry_after=timedelta(seconds=7))
    )
    await queue(db, clock, "ข่าว")

    await loop.run_once()

    [row] = await rows(db)
    assert row.status is DeliveryStatus.PENDING and row.claim_token is None
    assert row.next_attempt_at.replace(tzinfo=UTC) == clock.now() + timedelta(seconds=7)
    assert await loop.run_once() == 0  # not before its time
    clock.advance(timedelta(seconds=7))
    assert await loop.run_once() == 1
    assert (await rows(db))[0].status is DeliveryStatus.SENT


async def test_a_network_error_is_retried_with_back_off(db, loop, sender, clock):
    sender.script.append(SendOutcome(OutcomeKind.TRANSIENT, error="network: timed out"))
    await queue(db, clock, "ข่าว")

    await loop.run_once()

    [row] = await rows(db)
    assert row.status is DeliveryStatus.PENDING
    assert row.last_error == "network: timed out" and row.attempts == 1
    assert row.next_attempt_at.replace(tzinfo=UTC) > clock.now()


async def test_a_chat_refused_for_good_is_unreachable(db, loop, sender, hooks, clock):
    sender.script.append(SendOutcome(OutcomeKind.UNREACHABLE, error="bot was blocked"))
    await queue(db, clock, "ข่าว")

    await loop.run_once()

    [row] = await rows(db)
    assert (row.status, row.last_error) == (DeliveryStatus.FAILED, "bot was blocked")
    assert hooks.unreachable == [(row.id, "bot was blocked")]
    assert hooks.delivered == [row.id]


async def test_a_message_the_channel_refuses_fails_without_retrying(db, loop, sender, hooks, clock):
    sender.script.append(SendOutcome(OutcomeKind.REFUSED, error="can't parse entities"))
    await queue(db, clock, "ข่าว")

    await loop.run_once()

    [row] = await rows(db)
    assert (row.status, row.last_error) == (DeliveryStatus.FAILED, "can't parse entities")
    assert hooks.unreachable == []


async def test_a_used_up_channel_quota_fails_the_delivery_with_why(db, loop, sender, hooks, clock):
    sender.script.append(SendOutcome(OutcomeKind.QUOTA, error="monthly limit"))
    await queue(db, clock, "ข่าว")

    await loop.run_once()

    [row] = await rows(db)
    assert (row.status, row.last_error) == (DeliveryStatus.FAILED, "monthly limit")
    assert hooks.unreachable == []


async def test_an_unexpected_error_is_given_up_after_a_few_attempts(db, loop, sender, clock):
    sender.script.extend(
        SendOutcome(OutcomeKind.UNEXPECTED, error="telegram: ???")
        for _ in range(MAX_ATTEMPTS_FOR_BUGS)
    )
    await queue(db, clock, "ข่าว")

    for _ in range(MAX_ATTEMPTS_FOR_BUGS):
        await loop.run_once()
        clock.advance(timedelta(minutes=10))

    [row] = await rows(db)
    assert (row.status, row.attempts) == (DeliveryStatus.FAILED, MAX_ATTEMPTS_FOR_BUGS)
    assert len(sender.sent) == MAX_ATTEMPTS_FOR_BUGS


async def test_an_unchanged_edit_counts_as_sent(db, loop, sender, clock):
    sender.script.append(SendOutcome(OutcomeKind.UNCHANGED))
    await queue(db, clock, "ข่าว")

    await loop.run_once()

    assert (await rows(db))[0].status is DeliveryStatus.SENT
