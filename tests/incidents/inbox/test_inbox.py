"""The durable inbox as the core has it: storing, claiming lane by lane, settling, and the
worker that hands updates to a channel's handler."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from sqlalchemy import select, update

from incidents import instances
from incidents.core import Core
from incidents.inbox import store
from incidents.inbox.intake import Intake
from incidents.inbox.store import Arrival
from incidents.inbox.worker import MAX_ATTEMPTS_FOR_BUGS, InboxWorker, running
from storage.db import Database
from storage.models import InboxStatus, InboxUpdate, Instance
from tests.incidents.reports.conftest import core as core
from tests.support.clock import ManualClock

ME = "replica-a"


def effect(row: InboxUpdate, now: datetime) -> Instance:
    """Something a handler writes (any row will do)."""
    return Instance(
        name=f"effect-{row.external_id}", incarnation="", started_at=now, heartbeat_at=now
    )


def arrival(external_id: int, lane: str = "tg:user:1") -> Arrival:
    return Arrival("telegram", str(external_id), lane, {"update_id": external_id})


async def statuses(db: Database) -> dict[str, InboxStatus]:
    async with db.read() as session:
        rows = (await session.scalars(select(InboxUpdate))).all()
    return {row.external_id: row.status for row in rows}


async def test_an_update_delivered_twice_is_stored_once(db: Database, clock: ManualClock):
    async with db.write() as session:
        first = await store.store(session, [arrival(1), arrival(2)], clock.now())
    async with db.write() as session:
        again = await store.store(session, [arrival(2), arrival(3)], clock.now())

    assert len(first) == 2 and len(again) == 1
    assert sorted(await statuses(db)) == ["1", "2", "3"]


async def test_only_the_head_of_each_lane_is_claimed_until_it_is_done(
    db: Database, clock: ManualClock
):
    async with db.write() as session:
        await store.store(session, [arrival(1, "a"), arrival(2, "a"), arrival(3, "b")], clock.now())
        await instances.register(session, ME, clock.now())
    async with db.write() as session:
        claimed = await store.claim(session, ME, clock.now())
        heads = sorted(row.external_id for row in claimed)
    async with db.write() as session:
        # Lane a is busy while its head is claimed by a live instance: nothing more to take.
        assert await store.claim(session, ME, clock.now(), exclude=[r.id for r in claimed]) == []
        await store.mark_done(
            session, next(r.id for r in claimed if r.external_id == "1"), clock.now()
        )
    async with db.write() as session:
        nxt = await store.claim(session, ME, clock.now(), exclude=[r.id for r in claimed])

    assert heads == ["1", "3"]
    assert [row.external_id for row in nxt] == ["2"]


async def test_a_dead_instances_claim_is_free_and_a_restart_takes_back_its_own(
    db: Database, clock: ManualClock
):
    async with db.write() as session:
        await instances.register(session, "other", clock.now())
        await instances.register(session, ME, clock.now())
        await store.store(session, [arrival(1, "a"), arrival(2, "b")], clock.now())
    async with db.write() as session:
        await session.execute(
            update(InboxUpdate).where(InboxUpdate.lane == "a").values(claimed_by="other")
        )
        await session.execute(
            update(InboxUpdate).where(InboxUpdate.lane == "b").values(claimed_by="gone")
        )
    async with db.write() as session:
        # "other" beats: its claim holds. "gone" has no heartbeat row, so its claim is not
        # known dead; its own restart (register) gives it back.
        live_claims = [r.external_id for r in await store.claim(session, ME, clock.now())]
    clock.advance(instances.DEAD_AFTER + timedelta(seconds=1))
    async with db.write() as session:
        await instances.beat(session, instances.Me(ME, "x"), clock.now())
        taken = list(await store.claim(session, ME, clock.now()))
        after_death = [r.external_id for r in taken]
    async with db.write() as session:
        await instances.register(session, "gone", clock.now())
    async with db.write() as session:
        mine = [r.id for r in taken]  # still being handled here
        after_restart = [
            r.external_id for r in await store.claim(session, ME, clock.now(), exclude=mine)
        ]

    assert live_claims == []
    assert after_death == ["1"]
    assert after_restart == ["2"]


async def test_each_lane_runs_in_order_and_lanes_run_side_by_side(db: Database, clock: ManualClock):
    seen: list[str] = []
    both_lanes_running = asyncio.Event()
    running_now: set[str] = set()

    async def handle(row: InboxUpdate) -> None:
        running_now.add(row.lane)
        if len(running_now) == 2:
            both_lanes_running.set()
        await asyncio.wait_for(both_lanes_running.wait(), 5)
        seen.append(row.external_id)
        running_now.discard(row.lane)

    async with instances.running(db, ME, clock) as me:
        worker = InboxWorker(db, clock, me.name, {"telegram": handle})
        intake = Intake(db, clock, worker)
        async with running(worker):
            await intake.receive(
                [arrival(1, "a"), arrival(2, "a"), arrival(3, "b"), arrival(4, "a")]
            )
            for _ in range(200):
                if len(seen) == 4:
                    break
                await asyncio.sleep(0.02)

    assert [x for x in seen if x != "3"] == ["1", "2", "4"]
    assert "3" in seen
    assert set((await statuses(db)).values()) == {InboxStatus.DONE}


async def test_a_unit_of_work_inside_handling_marks_the_update_done_with_its_effects(
    core: Core, clock: ManualClock
):
    async def handle(row: InboxUpdate) -> None:
        async with core.unit() as uow:
            uow.session.add(effect(row, uow.now))

    async def failing(row: InboxUpdate) -> None:
        async with core.unit() as uow:
            uow.session.add(effect(row, uow.now))
            raise RuntimeError("bug after the effect, inside the unit")

    async with instances.running(core.db, ME, clock) as me:
        worker = InboxWorker(core.db, clock, me.name, {"telegram": handle, "line": failing})
        async with running(worker):
            await Intake(core.db, clock, worker).receive(
                [arrival(1), Arrival("line", "e1", "line:u", {})]
            )
            for _ in range(200):
                if worker.handled == 2:
                    break
                await asyncio.sleep(0.02)
    async with core.db.read() as session:
        row = await session.scalar(select(InboxUpdate).where(InboxUpdate.channel == "line"))
        effects = (
            await session.scalars(select(Instance.name).where(Instance.name.like("effect-%")))
        ).all()

    assert (await statuses(core.db))["1"] is InboxStatus.DONE
    # The failing unit rolled back: neither its effect nor the mark is in; it is retried later.
    assert effects == ["effect-1"]
    assert row is not None and row.status is InboxStatus.PENDING and row.attempts == 1
    assert "RuntimeError" in row.last_error


async def test_a_handler_that_keeps_failing_is_kept_as_failed_and_others_go_on(
    db: Database, clock: ManualClock
):
    calls: list[str] = []

    async def handle(row: InboxUpdate) -> None:
        calls.append(row.external_id)
        if row.external_id == "1":
            raise ValueError("odd update")

    async with instances.running(db, ME, clock) as me:
        worker = InboxWorker(db, clock, me.name, {"telegram": handle})
        async with running(worker):
            await Intake(db, clock, worker).receive([arrival(1, "a"), arrival(2, "b")])
            for _ in range(MAX_ATTEMPTS_FOR_BUGS * 100):
                if (await statuses(db)).get("1") is InboxStatus.FAILED:
                    break
                clock.advance(timedelta(minutes=10))
                worker.wake()
                await asyncio.sleep(0.02)

    assert calls.count("1") == MAX_ATTEMPTS_FOR_BUGS
    assert calls.count("2") == 1
    assert await statuses(db) == {"1": InboxStatus.FAILED, "2": InboxStatus.DONE}


async def test_a_clean_stop_frees_the_instances_claims_at_once(db: Database, clock: ManualClock):
    async with instances.running(db, ME, clock), db.read() as session:
        alive = [i.name for i in await instances.live(session, clock.now())]
    async with db.read() as session:
        after = [i.name for i in await instances.live(session, clock.now())]
        row = await session.get(Instance, ME)

    assert alive == [ME] and after == [] and row is not None
