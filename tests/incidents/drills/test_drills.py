"""Drills on a real database, without the Bot API: starting one at a time, the drill series,
paging only participants, the mark, the records leaving drills out, the report at the end."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from incidents.alerts import acknowledgement
from incidents.alerts.service import Alerts
from incidents.core import Core
from incidents.drills import ending, scenarios, service
from incidents.drills.inject import InjectOutcome, inject
from incidents.drills.service import StartOutcome
from incidents.outbox.render import Renderer
from incidents.records import exports, queries, stats
from incidents.records.filters import DrillFilter, IncidentFilter, Viewer
from incidents.text import drill as drill_text
from storage.db import Database
from storage.models import (
    Delivery,
    DeliveryKind,
    Drill,
    DrillStatus,
    EventKind,
    Incident,
    IncidentEvent,
    Person,
)
from tests.support.clock import ManualClock
from tests.support.core import JOINED, core_with_roster, person, queued
from tests.support.incidents import Spec, add_incident

FLOOD = scenarios.load("phichit")["flood-taphan-hin"]


@pytest.fixture
async def core(db: Database, clock: ManualClock, tmp_path: Path) -> Core:
    return await core_with_roster(db, clock, tmp_path)


async def ids(core: Core, *roster_ids: str) -> list[int]:
    return [(await person(core, r)).id for r in roster_ids]


async def start(core: Core, minutes: int = 60) -> int:
    """A drill with the Governor, the Taphan Hin chief and the admin (who starts it)."""
    admin = await person(core, "ADMIN1")
    started = await service.start(
        core, "ซ้อมน้ำท่วม", minutes, await ids(core, "GOV", "D6604", "ADMIN1"), started_by=admin.id
    )
    assert started.outcome is StartOutcome.STARTED and started.drill_id is not None
    return started.drill_id


async def alert_filed(core: Core, incident_id: int) -> None:
    """Fan the alert out as the filing transaction's subscriber does."""
    alerts = Alerts(core)
    alerts.send_on_commit = False
    async with core.db.write() as session:
        event = await session.scalar(
            select(IncidentEvent).where(
                IncidentEvent.incident_id == incident_id, IncidentEvent.kind == EventKind.FILED
            )
        )
        assert event is not None
        await alerts.on_filed(session, event)


async def test_one_drill_at_a_time_and_its_participants_are_told(core: Core):
    drill_id = await start(core)
    again = await service.start(core, "อีกครั้ง", 30, await ids(core, "DGOV1"))
    assert again.outcome is StartOutcome.ALREADY_RUNNING and again.drill_id == drill_id
    told = {m.chat_id for m in await queued(core, DeliveryKind.MESSAGE)}
    assert told == {JOINED["GOV"], JOINED["D6604"], JOINED["ADMIN1"]}
    assert [d.title for d in await service.listing(core)] == ["ซ้อมน้ำท่วม"]


async def test_an_injected_scenario_pages_only_participants_with_its_own_series(
    core: Core, clock: ManualClock, tmp_path: Path
):
    real = await add_incident(core.db, Spec(), clock.now(), tmp_path / "files")
    await start(core)
    before = {d.chat_id for d in await queued(core)}

    injected = await inject(core, FLOOD)
    assert injected.outcome is InjectOutcome.FILED and injected.incident_id is not None
    await alert_filed(core, injected.incident_id)

    assert real == "PCT-2569-0001"
    assert injected.reference == "PCT-DRILL-2569-0001"
    alerts = await queued(core, DeliveryKind.ALERT)
    assert {a.chat_id for a in alerts} == {JOINED["GOV"]}  # not DGOV1/DGOV2, no war room
    paged = {d.chat_id for d in await queued(core)} - before
    assert paged <= {JOINED["GOV"], JOINED["D6604"], JOINED["ADMIN1"]}

    async with core.reading() as session:
        row = await session.scalar(select(Delivery).where(Delivery.kind == DeliveryKind.ALERT))
        assert row is not None
        rendered = await Renderer(core.rules.tz).render(session, row)
    assert rendered is not None
    assert rendered.text.plain().startswith(drill_text.MARK)


async def test_a_real_report_during_a_drill_stays_real(core: Core, clock: ManualClock, tmp_path):
    await start(core)
    reference = await add_incident(core.db, Spec(reporter="D6601"), clock.now(), tmp_path / "f")
    assert "DRILL" not in reference
    # A participant is not a reporter in that drill: injection needs one of its reporters.
    await ending.end(core)
    assert (await inject(core, FLOOD)).outcome is InjectOutcome.NOT_RUNNING


async def test_records_leave_drills_out_unless_asked(core: Core, clock: ManualClock, tmp_path):
    await add_incident(core.db, Spec(), clock.now(), tmp_path / "files")
    await start(core)
    await inject(core, FLOOD)
    async with core.reading() as session:
        governor = Viewer.of(await session.get_one(Person, (await person(core, "GOV")).id))
        tz = core.rules.tz
        default = await stats.statistics(session, governor, IncidentFilter(), tz)
        included = await stats.statistics(
            session, governor, IncidentFilter(drills=DrillFilter.INCLUDE), tz
        )
        only = await queries.list_page(
            session, governor, IncidentFilter(drills=DrillFilter.ONLY), tz
        )
        listed = await queries.list_page(session, governor, IncidentFilter(), tz)
    assert (default.total, included.total) == (1, 2)
    assert [r.reference for r in only.rows] == ["PCT-DRILL-2569-0001"]
    assert [r.reference for r in listed.rows] == ["PCT-2569-0001"]

    rows = [
        exports.ExportedIncident.of(r)
        async for r in queries.stream_export(core, governor, IncidentFilter())
    ]
    assert [r.reference for r in rows] == ["PCT-2569-0001"]
    drills = [
        exports.ExportedIncident.of(r)
        async for r in queries.stream_export(
            core, governor, IncidentFilter(drills=DrillFilter.ONLY)
        )
    ]
    assert [(r.reference, r.drill) for r in drills] == [("PCT-DRILL-2569-0001", drill_text.MARK)]


async def test_the_drill_ends_on_time_with_a_report_to_its_admin(core: Core, clock: ManualClock):
    drill_id = await start(core, minutes=30)
    injected = await inject(core, FLOOD)
    assert injected.incident_id is not None
    await alert_filed(core, injected.incident_id)
    clock.advance(timedelta(minutes=2))
    acked = await acknowledgement.acknowledge_alert(
        core, await person(core, "GOV"), injected.incident_id
    )
    assert acked.incident.acknowledged_at is not None

    assert await ending.end_due(core) == []
    clock.advance(timedelta(minutes=30))
    before = len(await queued(core, DeliveryKind.MESSAGE))
    assert await ending.end_due(core) == [drill_id]

    async with core.reading() as session:
        drill = await session.get_one(Drill, drill_id)
        incident = await session.get_one(Incident, injected.incident_id)
    assert drill.status is DrillStatus.ENDED and incident.next_reminder_at is None
    report = await ending.deliver_report(core, drill_id)
    assert report is not None
    [governor] = report.executives
    assert governor.acknowledged == [120.0]
    assert [r.name for r in report.reporters] == [incident.reporter_name]
    assert report.unanswered == []
    notices = (await queued(core, DeliveryKind.MESSAGE))[before:]
    assert JOINED["ADMIN1"] in {n.chat_id for n in notices}
    assert any("รายงานผลการฝึกซ้อม" in n.params.text.plain() for n in notices)
