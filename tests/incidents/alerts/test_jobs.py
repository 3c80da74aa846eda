"""The alert jobs on a real database, without the Bot API: fan-out, acknowledgement,
reminders and escalation."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from incidents.access import AccessRefused
from incidents.alerts import acknowledgement
from incidents.alerts.acknowledgement import AckOutcome
from incidents.alerts.service import Alerts
from incidents.core import Core
from storage.db import Database
from storage.models import DeliveryKind, EventKind, Incident, IncidentEvent, IncidentStatus
from tests.support.clock import ManualClock
from tests.support.core import JOINED, core_with_roster, person, queued
from tests.support.incidents import Spec, add_incident

EXECUTIVES = {JOINED["GOV"], JOINED["DGOV1"], JOINED["DGOV2"]}  # DGOV3 has not joined


@pytest.fixture
async def core(db: Database, clock: ManualClock, tmp_path: Path) -> Core:
    return await core_with_roster(db, clock, tmp_path, {**JOINED, "PAL": 4001})


@pytest.fixture
async def filed(core: Core, clock: ManualClock, tmp_path: Path) -> int:
    """An incident just filed by D6604, its alerts queued as the filing transaction does."""
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


async def test_filing_alerts_every_joined_executive_and_tells_the_admins_who_is_missing(
    core: Core, filed: int
):
    alerts = await queued(core, DeliveryKind.ALERT)
    assert {a.chat_id for a in alerts} == EXECUTIVES
    assert [p.chat_id for p in await queued(core, DeliveryKind.PROGRESS)] == [JOINED["D6604"]]
    notices = await queued(core, DeliveryKind.MESSAGE)
    assert [n.chat_id for n in notices] == [JOINED["ADMIN1"]]
    async with core.reading() as session:
        incident = await session.get_one(Incident, filed)
    assert incident.next_reminder_at is not None and incident.reminder_round == 0


async def test_the_first_acknowledgement_stops_the_reminders(core: Core, filed: int):
    first = await acknowledgement.acknowledge_alert(core, await person(core, "GOV"), filed)
    second = await acknowledgement.acknowledge_alert(core, await person(core, "DGOV1"), filed)

    assert first.outcome is AckOutcome.ACKNOWLEDGED
    assert second.outcome is AckOutcome.ALREADY
    assert first.incident.status is IncidentStatus.ACKNOWLEDGED
    assert first.incident.next_reminder_at is None
    assert {e.chat_id for e in await queued(core, DeliveryKind.ALERT_EDIT)} == EXECUTIVES
    told = [m for m in await queued(core, DeliveryKind.MESSAGE) if m.chat_id == JOINED["D6604"]]
    assert len(told) == 1


async def test_someone_the_alert_did_not_reach_cannot_acknowledge(core: Core, filed: int):
    with pytest.raises(AccessRefused):
        await acknowledgement.acknowledge_alert(core, await person(core, "D6601"), filed)


async def test_reminders_come_each_deadline_and_escalate_from_the_second_round(
    core: Core, filed: int, clock: ManualClock
):
    core.rules = core.rules.model_copy(update={"escalation_roster_ids": ("PAL",)})
    alerts = Alerts(core)
    async with core.reading() as session:
        incident = await session.get_one(Incident, filed)
    deadline = core.rules.ack_deadline(incident.urgency)

    clock.advance(timedelta(minutes=1))  # the test incident is filed a minute after now
    for _ in range(2):
        clock.advance(deadline)
        async with core.db.write() as session:
            assert await alerts.fire_due(session, clock.now()) == 1

    reminders = await queued(core, DeliveryKind.REMINDER)
    assert [r.params.reminder_round for r in reminders] == [1] * 3 + [2] * 3
    assert {r.chat_id for r in reminders} == EXECUTIVES
    escalated = [a for a in await queued(core, DeliveryKind.ALERT) if a.chat_id == 4001]
    assert len(escalated) == 1 and escalated[0].params.intro
    async with core.reading() as session:
        kinds = (
            await session.scalars(
                select(IncidentEvent.kind)
                .where(IncidentEvent.incident_id == filed)
                .order_by(IncidentEvent.id)
            )
        ).all()
    assert kinds[-2:] == [EventKind.REMINDED, EventKind.ESCALATED]
