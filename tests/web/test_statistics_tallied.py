"""The all-time statistics come from tallies the database keeps in step with the incidents
(migration 0013's triggers); they must say exactly what reading every incident says, after
incidents are filed, acknowledged, closed, corrected, linked, made drills and deleted."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.records import queries, stats, tallied, tallykeys
from incidents.records.filters import DrillFilter, IncidentFilter, LinkedCount, SortKey, Viewer
from storage.models import (
    AckTally,
    Base,
    Category,
    Drill,
    Incident,
    IncidentStatus,
    IncidentTally,
    Province,
    Urgency,
)
from tests.support.incidents import Spec
from tests.web.conftest import Site

DEADLINES = {
    Urgency.MOST_URGENT: timedelta(minutes=5),
    Urgency.VERY_URGENT: timedelta(minutes=15),
    Urgency.URGENT: timedelta(minutes=30),
}
EVERYONE = Viewer(1, "x", 1, "x", sees_all=True, is_admin=False)
FILTERS = [
    IncidentFilter(),
    IncidentFilter(drills=DrillFilter.INCLUDE),
    IncidentFilter(drills=DrillFilter.ONLY),
    IncidentFilter(linked=LinkedCount.ONCE),
    IncidentFilter(urgency=Urgency.VERY_URGENT, linked=LinkedCount.ONCE),
]


async def _both(site: Site, wanted: IncidentFilter, monkeypatch: pytest.MonkeyPatch):
    tz = site.settings.tz
    assert tallied.answers(EVERYONE, wanted, tz)
    async with site.db.read() as session:
        from_tallies = await stats.statistics(session, EVERYONE, wanted, tz, DEADLINES)
    with monkeypatch.context() as patched:
        patched.setattr(tallied, "answers", lambda *_: False)
        async with site.db.read() as session:
            from_rows = await stats.statistics(session, EVERYONE, wanted, tz, DEADLINES)
    return from_tallies, from_rows


async def _many(site: Site, rng: random.Random) -> list[str]:
    refs = []
    for n in range(40):
        after = rng.choice([None, timedelta(seconds=rng.randint(0, 3600))])
        refs.append(
            await site.add(
                Spec(
                    # Across month ends in Bangkok time (UTC+7), 2025 to 2026.
                    occurred_at=datetime(2026, 1, 1, 16, 59, tzinfo=UTC)
                    + timedelta(days=rng.randint(-400, 300), minutes=rng.choice([0, 2])),
                    category=rng.choice(list(Category)),
                    urgency=rng.choice(list(Urgency)),
                    status=rng.choice(list(IncidentStatus)),
                    district=rng.choice(["6601", "6604", "6605"]),
                    ack_after=after,
                    acknowledged_by="GOV" if after is not None else None,
                    dead=rng.choice([None, 0, n % 4]),
                    injured=rng.choice([None, n % 3]),
                )
            )
        )
    return refs


async def _delete(session: AsyncSession, ids: list[int]) -> None:
    """Delete incidents with every row that refers to them (as a purge would)."""
    for table in reversed(Base.metadata.sorted_tables):
        for key in table.foreign_keys:
            if key.column.table.name == "incident" and table.name != "incident":
                await session.execute(delete(table).where(key.parent.in_(ids)))
    await session.execute(delete(Incident).where(Incident.id.in_(ids)))


async def _change(site: Site, rng: random.Random, refs: list[str]) -> None:
    """Corrections of every kind the tallies follow."""
    async with site.db.write() as session:
        province_id = (await session.scalars(select(Province.id))).one()
        now = site.clock.now()
        drill = Drill(
            province_id=province_id, title="ซ้อม", started_at=now, ends_at=now + timedelta(hours=1)
        )
        session.add(drill)
        await session.flush()
        ids = dict((await session.execute(select(Incident.reference, Incident.id))).all())
        by_ref = lambda ref: Incident.id == ids[ref]  # noqa: E731
        for ref in rng.sample(refs, 8):
            await session.execute(
                update(Incident)
                .where(by_ref(ref))
                .values(status=IncidentStatus.CLOSED, missing=rng.randint(0, 2))
            )
        for ref in rng.sample(refs, 5):
            created = (await session.scalars(select(Incident.created_at).where(by_ref(ref)))).one()
            await session.execute(
                update(Incident)
                .where(by_ref(ref))
                .values(
                    acknowledged_at=created + timedelta(seconds=rng.randint(1, 900)),
                    urgency=rng.choice(list(Urgency)),
                )
            )
        for ref in rng.sample(refs, 4):
            await session.execute(
                update(Incident).where(by_ref(ref)).values(drill_id=drill.id, district_id=1)
            )
        first, *others = rng.sample(refs, 3)
        for ref in (first, *others):
            await session.execute(
                update(Incident).where(by_ref(ref)).values(link_group_id=ids[first])
            )
        await session.execute(
            update(Incident).where(by_ref(rng.choice(refs))).values(occurred_at=now, dead=7)
        )
        await session.execute(
            update(Incident).where(by_ref(rng.choice(refs))).values(place="ไม่กระทบสถิติ")
        )
        await _delete(session, [ids[refs[-1]]])


async def test_the_tallies_say_what_the_incidents_say(site: Site, monkeypatch: pytest.MonkeyPatch):
    rng = random.Random(15)
    refs = await _many(site, rng)
    for wanted in FILTERS:
        from_tallies, from_rows = await _both(site, wanted, monkeypatch)
        assert from_rows.total > 0 or wanted.drills is DrillFilter.ONLY
        assert from_tallies == from_rows, wanted

    await _change(site, rng, refs)
    for wanted in FILTERS:
        from_tallies, from_rows = await _both(site, wanted, monkeypatch)
        assert from_tallies == from_rows, wanted
    drills, _ = await _both(site, IncidentFilter(drills=DrillFilter.ONLY), monkeypatch)
    assert drills.total == 4


async def test_an_empty_province_has_empty_statistics(site: Site, monkeypatch: pytest.MonkeyPatch):
    from_tallies, from_rows = await _both(site, IncidentFilter(), monkeypatch)
    assert from_tallies == from_rows
    assert from_tallies.total == 0 and from_tallies.ack_median_s is None


async def test_filters_the_tallies_lack_read_the_incidents(site: Site):
    tz = site.settings.tz
    assert not tallied.answers(EVERYONE, IncidentFilter(district="6604"), tz)
    assert not tallied.answers(EVERYONE, IncidentFilter(q="น้ำ"), tz)
    own = Viewer(1, "x", 1, "x", sees_all=False, is_admin=False)
    assert not tallied.answers(own, IncidentFilter(), tz)


async def test_tallies_are_rebuilt_from_the_incidents_by_the_migration(site: Site):
    """Deleting every incident leaves tally rows of zero only (the triggers took each back)."""
    await _many(site, random.Random(3))
    async with site.db.write() as session:
        await _delete(session, list((await session.scalars(select(Incident.id))).all()))
    async with site.db.read() as session:
        left = await session.scalar(select(func.sum(IncidentTally.incidents)))
        acks = await session.scalar(select(func.sum(AckTally.incidents)))
    assert (left, acks) == (0, 0)


LIST_FILTERS = [
    *FILTERS,
    IncidentFilter(district="6604"),
    IncidentFilter(category=Category.FLOOD, status=IncidentStatus.CLOSED),
    IncidentFilter(district="6601", urgency=Urgency.URGENT, drills=DrillFilter.INCLUDE),
    IncidentFilter(status=IncidentStatus.REPORTED, page=2, sort=SortKey.URGENCY),
]


async def _list_totals(site: Site, wanted: IncidentFilter, monkeypatch: pytest.MonkeyPatch):
    tz = site.settings.tz
    assert tallykeys.counts(EVERYONE, wanted)
    async with site.db.read() as session:
        from_tallies = (await queries.list_page(session, EVERYONE, wanted, tz)).total
    with monkeypatch.context() as patched:
        patched.setattr(tallykeys, "counts", lambda *_: False)
        async with site.db.read() as session:
            from_rows = (await queries.list_page(session, EVERYONE, wanted, tz)).total
    return from_tallies, from_rows


async def test_the_lists_count_from_the_tallies_is_the_rows_count(
    site: Site, monkeypatch: pytest.MonkeyPatch
):
    rng = random.Random(16)
    refs = await _many(site, rng)
    await _change(site, rng, refs)
    seen = set()
    for wanted in LIST_FILTERS:
        from_tallies, from_rows = await _list_totals(site, wanted, monkeypatch)
        assert from_tallies == from_rows, wanted
        seen.add(from_rows)
    assert len(seen) > 3  # the filters narrowed the list differently: the keys were applied
    assert not tallykeys.counts(EVERYONE, IncidentFilter(q="น้ำ"))
    assert not tallykeys.counts(EVERYONE, IncidentFilter(date_from=datetime(2026, 1, 1).date()))
    assert not tallykeys.counts(
        Viewer(1, "x", 1, "x", sees_all=False, is_admin=False), IncidentFilter()
    )
