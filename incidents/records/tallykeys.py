"""What the tallies kept by the database (storage/models/tally.py) can answer of a filter, and
the incident list's count read from them: a few hundred rows summed instead of every incident
counted (100,000 on PostgreSQL: 43 ms for the count, read from the table, against under 1 ms).

The tallies hold every incident by month, district, category, urgency, status, whether it is a
drill and whether it counts an event once. A count for a viewer who sees all incidents and
filters by nothing else is read from them; any other filter (a date, a search) counts rows.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.records.filters import DrillFilter, IncidentFilter, LinkedCount, Viewer
from storage.models import AckTally, District, IncidentTally

# The filter fields both tallies hold (the statistics read them with these alone).
KEYED = frozenset({"drills", "linked", "urgency", "sort", "order", "page"})
# And the ones the incident tally holds as well, enough for the list's count.
COUNTED = KEYED | {"district", "category", "status"}


def keys(model: type[IncidentTally] | type[AckTally], wanted: IncidentFilter) -> list[Any]:
    """The tally rows of the drills, linked counting and urgency the filter asks for."""
    found: list[Any] = []
    if wanted.drills is DrillFilter.EXCLUDE:
        found.append(model.drill == 0)
    elif wanted.drills is DrillFilter.ONLY:
        found.append(model.drill == 1)
    if wanted.linked is LinkedCount.ONCE:
        found.append(model.once == 1)
    if wanted.urgency is not None:
        found.append(model.urgency == wanted.urgency.value)
    return found


def counts(viewer: Viewer, wanted: IncidentFilter) -> bool:
    """Whether the incident tally holds how many incidents this viewer's list has."""
    return viewer.sees_all and not set(wanted.chosen()) - COUNTED


async def count(session: AsyncSession, wanted: IncidentFilter) -> int:
    """How many incidents the list has, from the incident tally (see counts())."""
    t = IncidentTally
    where = keys(t, wanted)
    if wanted.district:
        district_id = select(District.id).where(District.code == wanted.district)
        where.append(t.district_id == district_id.scalar_subquery())
    if wanted.category is not None:
        where.append(t.category == wanted.category.value)
    if wanted.status is not None:
        where.append(t.status == wanted.status.value)
    total = await session.scalar(select(func.coalesce(func.sum(t.incidents), 0)).where(*where))
    return int(total or 0)
