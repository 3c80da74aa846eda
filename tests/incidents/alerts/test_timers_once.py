"""Timers fire once however many delivery loops run on the database (replicas)."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from incidents.alerts.service import Alerts
from incidents.core import Core
from incidents.outbox.loop import DeliveryLoop
from incidents.outbox.render import Rendered, Renderer
from incidents.thread import directing
from incidents.thread.lifecycle import InstructionReminders
from storage.db import Database
from storage.models import Delivery, DeliveryKind, EventKind, Incident, IncidentEvent
from tests.incidents.outbox.test_loop import FakeHooks, FakeSender
from tests.support.clock import ManualClock
from tests.support.core import JOINED, core_with_roster, person
from tests.support.incidents import Spec, add_incident

PAL = 4001


@pytest.fixture
async def core(db: Database, clock: ManualClock, tmp_path: Path) -> Core:
    core = await core_with_roster(db, clock, tmp_path, {**JOINED, "PAL": PAL})
    core.rules = core.rules.model_copy(update={"escalation_roster_ids": ("PAL",)})
    return core


async def file_one(core: Core, clock: ManualClock, tmp_path: Path) -> int:
    reference = await add_incident(core.db, Spec(), clock.now(), tmp_path / "files")
    alerts = Alerts(core)
    alerts.send_on_commit = False
    async with core.db.write() as session:
        incident = await session.scalar(select(Incident).where(Incident.reference == reference))
        assert incident is not None
        event = await session.scalar(
            select(IncidentEvent).where(
                IncidentEvent.incident_id == incident.id, IncidentEvent.kind == EventKind.FILED
            )
        )
        assert event is not None
        await alerts.on_filed(session, event)
        return incident.id


async def kinds(core: Core, incident_id: int) -> Counter[EventKind]:
    async with core.reading() as session:
        rows = await session.scalars(
            select(IncidentEvent.kind).where(IncidentEvent.incident_id == incident_id)
        )
        return Counter(rows)


async def deliveries(core: Core, kind: DeliveryKind) -> list[Delivery]:
    async with core.reading() as session:
        return list((await session.scalars(select(Delivery).where(Delivery.kind == kind))).all())


async def test_two_loops_fire_each_due_reminder_escalation_and_instruction_once(
    core: Core, clock: ManualClock, tmp_path: Path, database_url: str
):
    incident_id = await file_one(core, clock, tmp_path)
    await directing.instruct(core, await person(core, "GOV"), incident_id, "อพยพ")
    replicas = [Database(database_url), Database(database_url)]
    try:
        loops = [
            DeliveryLoop(
                db,
                FakeSender(),
                clock,
                FakeHooks(),
                Renderer(core.rules.tz),
                timers=[Alerts(core), InstructionReminders(core)],
                me=f"replica-{i}",
            )
            for i, db in enumerate(replicas)
        ]
        async with core.reading() as session:
            incident = await session.get_one(Incident, incident_id)
        deadline = core.rules.ack_deadline(incident.urgency)
        clock.advance(timedelta(minutes=1))  # the test incident is filed a minute after now

        async def both_run() -> Counter[EventKind]:
            await asyncio.gather(*(loop.run_once() for loop in loops))
            await asyncio.gather(*(loop.run_once() for loop in loops))
            return await kinds(core, incident_id)

        clock.advance(deadline + timedelta(seconds=1))
        assert (await both_run())[EventKind.REMINDED] == 1
        reminders = await deliveries(core, DeliveryKind.REMINDER)
        assert len(reminders) == len({r.chat_id for r in reminders}) == 3

        clock.advance(deadline)
        assert (await both_run())[EventKind.ESCALATED] == 1
        escalated = [a for a in await deliveries(core, DeliveryKind.ALERT) if a.chat_id == PAL]
        assert len(escalated) == 1

        clock.advance(core.rules.instruction_remind_after)
        happened = await both_run()
        assert happened[EventKind.INSTRUCTION_REMINDED] == 1
        assert happened[EventKind.ESCALATED] <= 1
        assert len([a for a in await deliveries(core, DeliveryKind.ALERT) if a.chat_id == PAL]) == 1
        sent = Counter(
            (chat, rendered.text.plain()) for loop in loops for chat, rendered in loop_sent(loop)
        )
        assert sent and max(sent.values()) == 1  # and no delivery went out twice
    finally:
        for db in replicas:
            await db.dispose()


def loop_sent(loop: DeliveryLoop) -> list[tuple[int, Rendered]]:
    sender = loop.settler.sender
    assert isinstance(sender, FakeSender)
    return [(chat, rendered) for chat, rendered in sender.sent]
