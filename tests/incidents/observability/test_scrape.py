"""The gauges /metrics reads from the database at scrape time, and the exposition itself."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select, update

from incidents.core import Core
from incidents.inbox import store as inbox
from incidents.observability import scrape
from incidents.outbox import queue as outbox
from storage.db import Database
from storage.models import (
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Drill,
    Incident,
    IncidentStatus,
    Province,
    Urgency,
)
from tests.support.clock import ManualClock
from tests.support.core import core_with_roster
from tests.support.incidents import Spec, add_incident


def values(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of an exposition by name and labels."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_nothing_waiting_reads_as_zero(db: Database, clock: ManualClock, tmp_path: Path):
    core = await core_with_roster(db, clock, tmp_path)

    taken = await scrape.snapshot(core)

    assert taken.outbox == scrape.Backlog(0, 0.0)
    assert taken.inbox == scrape.Backlog(0, 0.0)
    assert taken.unacknowledged == dict.fromkeys(Urgency, 0)


async def test_the_outbox_gauges_count_pending_rows_and_age_the_oldest(
    db: Database, clock: ManualClock, tmp_path: Path
):
    core = await core_with_roster(db, clock, tmp_path)
    start = clock.now()
    async with db.write() as session:
        first = outbox.enqueue(session, DeliveryKind.MESSAGE, 2001, start)
        outbox.enqueue(session, DeliveryKind.MESSAGE, 2002, start + timedelta(seconds=30))
        outbox.enqueue(session, DeliveryKind.MESSAGE, 2003, start + timedelta(seconds=40))
        await session.flush()
        first_id = first.id
    async with db.write() as session:
        await session.execute(
            update(Delivery).where(Delivery.id == first_id).values(status=DeliveryStatus.SENT)
        )
    clock.advance(timedelta(seconds=90))

    taken = await scrape.snapshot(core)

    assert taken.outbox == scrape.Backlog(2, 60.0)


async def test_the_inbox_gauges_count_updates_waiting_and_age_the_oldest(
    db: Database, clock: ManualClock, tmp_path: Path
):
    core = await core_with_roster(db, clock, tmp_path)
    start = clock.now()
    arrivals = [inbox.Arrival("telegram", str(n), f"user:{n}", {"n": n}) for n in (1, 2, 3)]
    async with db.write() as session:
        ids = await inbox.store(session, arrivals[:1], start)
        await inbox.store(session, arrivals[1:], start + timedelta(seconds=5))
        await inbox.mark_done(session, ids[0], start + timedelta(seconds=6))
    clock.advance(timedelta(seconds=20))

    taken = await scrape.snapshot(core)

    assert taken.inbox == scrape.Backlog(2, 15.0)


async def drill_incident(core: Core, tmp_path: Path) -> None:
    """An open, unacknowledged incident of a drill."""
    reference = await add_incident(core.db, Spec(), core.clock.now(), tmp_path / "files")
    async with core.db.write() as session:
        province_id = (await session.scalars(select(Province.id))).one()
        drill = Drill(
            province_id=province_id,
            title="ซ้อม",
            started_at=core.clock.now(),
            ends_at=core.clock.now() + timedelta(hours=1),
        )
        session.add(drill)
        await session.flush()
        await session.execute(
            update(Incident).where(Incident.reference == reference).values(drill_id=drill.id)
        )


async def test_unacknowledged_incidents_are_the_open_ones_nobody_acknowledged_without_drills(
    db: Database, clock: ManualClock, tmp_path: Path
):
    core = await core_with_roster(db, clock, tmp_path)
    files = tmp_path / "files"
    for spec in [
        Spec(urgency=Urgency.MOST_URGENT),
        Spec(urgency=Urgency.MOST_URGENT, status=IncidentStatus.IN_PROGRESS),
        Spec(urgency=Urgency.VERY_URGENT),
        # Acknowledged, closed: not waiting for anyone.
        Spec(urgency=Urgency.VERY_URGENT, ack_after=timedelta(minutes=2), acknowledged_by="GOV"),
        Spec(urgency=Urgency.URGENT, status=IncidentStatus.CLOSED),
    ]:
        await add_incident(db, spec, clock.now(), files)
    await drill_incident(core, tmp_path)

    taken = await scrape.snapshot(core)

    assert taken.unacknowledged == {
        Urgency.MOST_URGENT: 2,
        Urgency.VERY_URGENT: 1,
        Urgency.URGENT: 0,
    }


async def test_the_exposition_holds_the_gauges_beside_the_process_counters(
    db: Database, clock: ManualClock, tmp_path: Path
):
    core = await core_with_roster(db, clock, tmp_path)
    await add_incident(db, Spec(urgency=Urgency.URGENT), clock.now(), tmp_path / "files")

    found = values((await scrape.exposition(core)).decode())

    assert found[("incident_bot_outbox_pending", ())] == 0
    assert found[("incident_bot_outbox_oldest_pending_age_seconds", ())] == 0
    assert found[("incident_bot_inbox_backlog", ())] == 0
    assert found[("incident_bot_inbox_oldest_pending_age_seconds", ())] == 0
    assert found[("incident_bot_unacknowledged_incidents", (("urgency", "urgent"),))] == 1
    assert found[("incident_bot_unacknowledged_incidents", (("urgency", "most_urgent"),))] == 0
    for result in ("sent", "unchanged", "retry_after", "transient", "unreachable", "refused"):
        assert ("incident_bot_deliveries_total", (("result", result),)) in found
    assert ("incident_bot_flood_limits_total", ()) in found
    assert ("incident_bot_update_handling_seconds_count", ()) in found
    assert ("incident_bot_delivery_seconds_count", ()) in found
