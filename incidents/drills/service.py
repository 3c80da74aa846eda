"""Starting, listing and ending drills; who takes part in the running one.

One drill at a time per province. A drill incident pages its participants only, and is left
out of the records unless asked for (incidents/records/filters.py `DrillFilter`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.core import Core
from incidents.drills.series import participant_ids, running
from incidents.outbox import queue as outbox
from incidents.outbox.params import DeliveryParams
from incidents.text import drill as t
from incidents.text.rich import Text
from storage.models import (
    DeliveryKind,
    Drill,
    DrillParticipant,
    DrillStatus,
    Incident,
    Person,
    PersonRole,
    Role,
)


class StartOutcome(StrEnum):
    """What asking to start a drill did."""

    STARTED = "started"
    ALREADY_RUNNING = "already_running"
    NO_PARTICIPANTS = "no_participants"


@dataclass(frozen=True, slots=True)
class Started:
    """The outcome, with the drill (the running one when refused)."""

    outcome: StartOutcome
    drill_id: int | None = None
    title: str = ""


async def people_for(
    session: AsyncSession, province_id: int, roster_ids: Sequence[str], roles: Sequence[Role]
) -> list[Person]:
    """Active people named by roster id or holding one of the roles."""
    found: dict[int, Person] = {}
    if roster_ids:
        for p in await session.scalars(
            select(Person).where(
                Person.province_id == province_id,
                Person.active.is_(True),
                Person.roster_id.in_(list(roster_ids)),
            )
        ):
            found[p.id] = p
    if roles:
        for p in (
            await session.scalars(
                select(Person)
                .join(PersonRole)
                .where(
                    Person.province_id == province_id,
                    Person.active.is_(True),
                    PersonRole.role.in_(list(roles)),
                )
            )
        ).unique():
            found[p.id] = p
    return sorted(found.values(), key=lambda p: p.id)


async def choose(core: Core, roster_ids: Sequence[str], roles: Sequence[Role]) -> list[int]:
    """The ids of the active people named by roster id or holding one of the roles."""
    async with core.reading() as session:
        return [p.id for p in await people_for(session, core.province_id, roster_ids, roles)]


async def start(
    core: Core,
    title: str,
    minutes: int,
    person_ids: Sequence[int],
    *,
    started_by: int | None = None,
    scenario_key: str | None = None,
) -> Started:
    """Start a drill with these participants, unless one is already running here."""
    async with core.unit() as uow:
        session = uow.session
        current = await running(session, core.province_id)
        if current is not None:
            return Started(StartOutcome.ALREADY_RUNNING, current.id, current.title)
        if not person_ids:
            return Started(StartOutcome.NO_PARTICIPANTS)
        drill = Drill(
            province_id=core.province_id,
            title=title,
            scenario_key=scenario_key,
            started_by_id=started_by,
            started_at=uow.now,
            ends_at=uow.now + timedelta(minutes=minutes),
            status=DrillStatus.RUNNING,
        )
        session.add(drill)
        await session.flush()
        ids = sorted(set(person_ids))
        session.add_all(DrillParticipant(drill_id=drill.id, person_id=i) for i in ids)
        text = t.started(title, drill.ends_at, core.rules.tz, len(ids))
        await tell(session, ids, Text(text), uow.now)
        return Started(StartOutcome.STARTED, drill.id, title)


async def end_in(
    session: AsyncSession, province_id: int, now: datetime, drill_id: int | None = None
) -> Drill | None:
    """End a drill inside the caller's transaction: its open incidents stop reminding."""
    drill = await running(session, province_id)
    if drill is None or (drill_id is not None and drill.id != drill_id):
        return None
    drill.status = DrillStatus.ENDED
    drill.ended_at = now
    await session.execute(
        update(Incident).where(Incident.drill_id == drill.id).values(next_reminder_at=None)
    )
    await tell(
        session, sorted(await participant_ids(session, drill.id)), Text(t.ended(drill.title)), now
    )
    return drill


async def listing(core: Core) -> Sequence[Drill]:
    """Every drill of the province, newest first."""
    async with core.reading() as session:
        rows = await session.scalars(
            select(Drill).where(Drill.province_id == core.province_id).order_by(Drill.id.desc())
        )
        return rows.all()


async def tell(session: AsyncSession, person_ids: Sequence[int], text: Text, now: datetime) -> None:
    for person in await session.scalars(select(Person).where(Person.id.in_(list(person_ids)))):
        if person.active and person.telegram_user_id is not None:
            outbox.enqueue(
                session,
                DeliveryKind.MESSAGE,
                person.telegram_user_id,
                now,
                person_id=person.id,
                params=DeliveryParams(text=text),
            )
