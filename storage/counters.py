"""Gap-free yearly counters per province (the incident and drill reference series).

The counter row is bumped with UPDATE … RETURNING, which row-locks it until the transaction
ends, so two filings never take the same number; the first number of a year inserts the row.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import insert_or_ignore
from storage.models import DrillSequence, IncidentSequence


async def next_value(
    session: AsyncSession,
    counter: type[IncidentSequence] | type[DrillSequence],
    province_id: int,
    year_be: int,
) -> int:
    """Take the next number of `counter` for the province and Buddhist-era year."""
    bump = (
        update(counter)
        .where(counter.province_id == province_id, counter.year_be == year_be)
        .values(last_value=counter.last_value + 1)
        .returning(counter.last_value)
    )
    value = (await session.execute(bump)).scalar_one_or_none()
    if value is None:
        await session.execute(
            insert_or_ignore(
                session, counter, province_id=province_id, year_be=year_be, last_value=0
            )
        )
        value = (await session.execute(bump)).scalar_one()
    return int(value)
