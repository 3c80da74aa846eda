"""A receiver that keeps failing: its events are retried with back-off for GIVE_UP_AFTER, then
given up one by one, audited, and the admins told once a day, not once per event; a receiver
that recovers meanwhile gets what is still queued, and new events go on being sent."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.senders.webhook import WebhookSender
from incidents.audit import CLI_ACTOR
from incidents.core import Core
from incidents.outbox.loop import DeliveryLoop
from incidents.outbox.webhook import GIVE_UP_AFTER
from incidents.sharing import subscribers
from storage.models import AuditAction, AuditEvent, DeliveryKind, DeliveryStatus, EventKind
from tests.incidents.sharing.hooks import record, webhook_rows
from tests.simulator.line.receiver import WebhookReceiver
from tests.support.clock import ManualClock
from tests.support.core import JOINED, queued
from tests.support.incidents import Spec, add_incident


async def admin_notices(core: Core) -> list[str]:
    return [
        m.params.text.plain()
        for m in await queued(core, DeliveryKind.MESSAGE)
        if m.chat_id == JOINED["ADMIN1"]
    ]


async def retry_until(
    loop: DeliveryLoop, clock: ManualClock, until: datetime, every: timedelta = timedelta(minutes=5)
) -> None:
    """Run the loop `every` so often of the clock."""
    while clock.now() < until:
        await loop.run_once()
        clock.advance(every)


async def test_events_failed_for_days_are_given_up_and_the_admins_told_once(
    core: Core, clock: ManualClock, receiver: WebhookReceiver, loop: DeliveryLoop, tmp_path: Path
):
    issued = await subscribers.add_webhook(
        core, "ห้องข่าว", receiver.url, [], CLI_ACTOR, allow_http=True
    )
    reference = await add_incident(core.db, Spec(), clock.now(), tmp_path)
    started = clock.now()
    await record(core, reference, EventKind.FILED)
    await record(core, reference, EventKind.ACKNOWLEDGED)
    receiver.failing = 503

    await retry_until(loop, clock, started + GIVE_UP_AFTER - timedelta(minutes=10))
    assert {row.status for row in await webhook_rows(core)} == {DeliveryStatus.PENDING}
    assert await admin_notices(core) == []
    tried = len(receiver.received)
    assert tried > 20  # retried all along, with back-off (not once a second)

    await retry_until(loop, clock, started + GIVE_UP_AFTER + timedelta(minutes=20))
    rows = await webhook_rows(core)
    assert [row.status for row in rows] == [DeliveryStatus.FAILED] * 2
    (notice,) = await admin_notices(core)
    assert "ระบบรับข้อมูลของ ห้องข่าว" in notice and "HTTP 503" in notice
    assert f"revoke {issued.subscriber_id}" in notice
    async with core.reading() as session:
        gave_up = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.action == AuditAction.WEBHOOK_GAVE_UP)
            )
        ).all()
    assert sorted(e.detail["delivery"] for e in gave_up) == sorted(str(r.retry_key) for r in rows)

    # The subscriber stays: a new event is sent, and a success leaves nothing to tell.
    receiver.failing = None
    await record(core, reference, EventKind.CLOSED)
    await loop.run_once()
    assert receiver.received[-1].answered == 200
    assert (await webhook_rows(core))[-1].status is DeliveryStatus.SENT
    assert len(await admin_notices(core)) == 1


async def test_a_receiver_failing_for_longer_is_told_again_each_day(
    core: Core, clock: ManualClock, receiver: WebhookReceiver, loop: DeliveryLoop, tmp_path: Path
):
    await subscribers.add_webhook(core, "ห้องข่าว", receiver.url, [], CLI_ACTOR, allow_http=True)
    reference = await add_incident(core.db, Spec(), clock.now(), tmp_path)
    started, hour = clock.now(), timedelta(hours=1)
    receiver.failing = 503
    # An event every six hours for three days while the receiver keeps failing.
    for n in range(12):
        await record(core, reference, EventKind.ACKNOWLEDGED)
        await retry_until(loop, clock, started + (n + 1) * 6 * hour, every=timedelta(minutes=30))
    await retry_until(loop, clock, started + GIVE_UP_AFTER + 3 * 24 * hour, every=hour / 2)

    assert {row.status for row in await webhook_rows(core)} == {DeliveryStatus.FAILED}
    # Given up over nearly three days: told when the first went, again more than a day later
    # and once more after that; not once per event.
    notices = await admin_notices(core)
    assert len(notices) == 3
    assert all("ห้องข่าว" in notice for notice in notices)


async def test_an_event_given_up_on_a_fault_is_told_as_a_failed_delivery(
    core: Core,
    clock: ManualClock,
    receiver: WebhookReceiver,
    loop: DeliveryLoop,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
):
    """A bug on our side is not the receiver's refusal: each event it stops is told at once
    as a failed delivery (no three days, no revoke advice), and no daily notice is marked."""
    await subscribers.add_webhook(core, "ห้องข่าว", receiver.url, [], CLI_ACTOR, allow_http=True)
    reference = await add_incident(core.db, Spec(), clock.now(), tmp_path)
    await record(core, reference, EventKind.FILED)
    await record(core, reference, EventKind.ACKNOWLEDGED)

    async def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("a bug")

    monkeypatch.setattr(WebhookSender, "send_to", broken)
    await retry_until(loop, clock, clock.now() + timedelta(hours=2), every=timedelta(minutes=5))

    assert [row.status for row in await webhook_rows(core)] == [DeliveryStatus.FAILED] * 2
    notices = await admin_notices(core)
    assert len(notices) == 2
    assert all("ระบบรับข้อมูลของ ห้องข่าว" in n and "ระบบขัดข้อง" in n for n in notices)
    assert not any("revoke" in n for n in notices)
    async with core.reading() as session:
        told = await session.scalar(
            select(AuditEvent.id).where(AuditEvent.action == AuditAction.WEBHOOK_RECEIVER_FAILING)
        )
    assert told is None
