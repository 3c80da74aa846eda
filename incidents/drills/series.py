"""A drill's incidents: their own reference series, and who takes part."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import counters
from storage.models import Drill, DrillParticipant, DrillSequence, DrillStatus, Incident, Person

# The reference of a drill incident reads e.g. PCT-DRILL-2569-0001.
SERIES = "DRILL"


def reference(prefix: str, year_be: int, number: int) -> str:
    """A drill incident's reference; its stored sequence is `-number` (see the model)."""
    return f"{prefix}-{SERIES}-{year_be}-{number:04d}"


async def running(session: AsyncSession, province_id: int) -> Drill | None:
    """The province's running drill, if any."""
    return await session.scalar(
        select(Drill).where(Drill.province_id == province_id, Drill.status == DrillStatus.RUNNING)
    )


async def participant_ids(session: AsyncSession, drill_id: int) -> set[int]:
    """The people taking part in a drill."""
    rows = await session.scalars(
        select(DrillParticipant.person_id).where(DrillParticipant.drill_id == drill_id)
    )
    return set(rows.all())


async def pageable(session: AsyncSession, incident: Incident) -> set[int] | None:
    """Who may be paged about an incident: None for a real one (everyone as usual), the
    participants for a drill's."""
    if incident.drill_id is None:
        return None
    return await participant_ids(session, incident.drill_id)


async def drill_of(session: AsyncSession, person: Person) -> Drill | None:
    """The running drill the person takes part in, if any."""
    return await session.scalar(
        select(Drill)
        .join(DrillParticipant, DrillParticipant.drill_id == Drill.id)
        .where(
            Drill.province_id == person.province_id,
            Drill.status == DrillStatus.RUNNING,
            DrillParticipant.person_id == person.id,
        )
    )


async def next_sequence(session: AsyncSession, province_id: int, year_be: int) -> int:
    """The next number of the drill series (row-locked, gap-free, apart from real ones)."""
    return await counters.next_value(session, DrillSequence, province_id, year_be)
