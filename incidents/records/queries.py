"""Reading incidents for the web log, always through the viewer's visibility."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any, cast

from sqlalchemy import func, select
from sqlalchemy import text as sql_text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, raiseload

from incidents.core import Core
from incidents.records import tallykeys
from incidents.records.filters import (
    PAGE_SIZE,
    SORT_COLUMNS,
    IncidentFilter,
    SortOrder,
    TextSearch,
    Viewer,
)
from storage.models import (
    Category,
    District,
    Incident,
    IncidentStatus,
    Instruction,
    Person,
    Urgency,
)


@dataclass(frozen=True, slots=True)
class ListRow:
    """One line of the incident list."""

    reference: str
    occurred_at: datetime
    created_at: datetime
    category: Category
    urgency: Urgency
    status: IncidentStatus
    district_name: str
    place: str
    agency_name: str
    acknowledged_at: datetime | None
    dead: int | None  # None: not known yet (never shown as zero)
    injured: int | None
    missing: int | None


@dataclass(frozen=True, slots=True)
class Page:
    """A page of the list and where it sits in the whole."""

    rows: Sequence[ListRow]
    total: int
    page: int
    pages: int
    capped: bool = False  # a search with more than `total` (SEARCH_COUNT_LIMIT) matches


# A search's matches are counted up to this many (40 pages); a page past them is not offered.
SEARCH_COUNT_LIMIT = 1000


_LIST_COLUMNS = (
    Incident.reference,
    Incident.occurred_at,
    Incident.created_at,
    Incident.category,
    Incident.urgency,
    Incident.status,
    District.name_th,
    Incident.place,
    Incident.agency_name,
    Incident.acknowledged_at,
    Incident.dead,
    Incident.injured,
    Incident.missing,
)


async def text_search(session: AsyncSession) -> TextSearch:
    """How this database finds substrings: through a trigram index where a migration could
    create one (PostgreSQL: 0012, when pg_trgm could be created; SQLite: 0005, when FTS5 is
    compiled in), else by reading every row."""
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        found = await session.scalar(
            sql_text("SELECT count(*) FROM pg_indexes WHERE indexname = :name"),
            {"name": "ix_incident_text_trgm"},
        )
        return TextSearch.PG_TRIGRAM if found else TextSearch.ILIKE
    found = await session.scalar(
        sql_text("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = :name"),
        {"name": "incident_text"},
    )
    return TextSearch.TRIGRAM if found else TextSearch.SCAN


async def filtered(
    session: AsyncSession, viewer: Viewer, wanted: IncidentFilter, tz: tzinfo
) -> list[object]:
    """Every condition: the viewer's visibility and the filters."""
    search = await text_search(session) if wanted.q.strip() else TextSearch.SCAN
    if search in (TextSearch.PG_TRIGRAM, TextSearch.ILIKE):
        # How many incidents a search matches decides the plan (walk the sort order for a
        # common word, read the trigram index for a rare one); a prepared statement's generic
        # plan knows neither the pattern nor the page size and read 14,000 rows for 25.
        await session.execute(sql_text("SET LOCAL plan_cache_mode = force_custom_plan"))
    return [*viewer.visible(), *wanted.conditions(tz, search)]


async def _count(session: AsyncSession, conditions: list[object]) -> int:
    total = await session.scalar(
        select(func.count()).select_from(Incident).where(*conditions)  # type: ignore[arg-type]
    )
    return int(total or 0)


async def _count_up_to(session: AsyncSession, conditions: list[object], limit: int) -> int:
    """How many incidents match, reading no more than `limit` matches."""
    matches = select(Incident.id).where(*conditions).limit(limit).subquery()  # type: ignore[arg-type]
    total = await session.scalar(select(func.count()).select_from(matches))
    return int(total or 0)


async def list_page(
    session: AsyncSession, viewer: Viewer, wanted: IncidentFilter, tz: tzinfo
) -> Page:
    """The page of incidents the filter asks for, sorted, with the total count."""
    conditions = await filtered(session, viewer, wanted, tz)
    column = SORT_COLUMNS[wanted.sort]
    descending = wanted.order is SortOrder.DESC
    if wanted.q.strip():
        # A search counts its matches only up to SEARCH_COUNT_LIMIT: a short one (a syllable,
        # two letters) matches nearly every incident, and counting them all would read every
        # row for a number nobody needs; past the limit the page says "more than".
        counted = await _count_up_to(session, conditions, SEARCH_COUNT_LIMIT + 1)
        capped = counted > SEARCH_COUNT_LIMIT
        total = min(counted, SEARCH_COUNT_LIMIT)
    else:
        capped = False
        if tallykeys.counts(viewer, wanted):
            total = await tallykeys.count(session, wanted)
        else:
            total = await _count(session, conditions)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(wanted.page, pages)
    query = (
        select(*_LIST_COLUMNS)
        .join(District, District.id == Incident.district_id)
        .where(*conditions)  # type: ignore[arg-type]
        .order_by(column.desc() if descending else column.asc(), _tie(descending))
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    rows = [ListRow(*cast(tuple[Any, ...], row)) for row in (await session.execute(query)).all()]
    # A capped search shows no row past the ones it counted.
    rows = rows[: max(0, total - (page - 1) * PAGE_SIZE)]
    return Page(rows=rows, total=total, page=page, pages=pages, capped=capped)


def _tie(descending: bool) -> Any:
    return Incident.id.desc() if descending else Incident.id.asc()


@dataclass(frozen=True, slots=True)
class InstructionRow:
    """An instruction as exports carry it: what, from whom, when, and when acknowledged."""

    text: str
    author: str
    at: datetime
    acknowledged_at: datetime | None


@dataclass(frozen=True, slots=True)
class ExportRow:
    """An incident as exports carry it, with the names its ids stand for."""

    incident: Incident
    district_code: str
    district_name: str
    acknowledged_by: str | None
    closed_by: str | None = None
    instructions: Sequence[InstructionRow] = ()


# Incidents read from the database at a time (and the instructions of each such batch).
EXPORT_BATCH = 500


async def stream_export(
    core: Core, viewer: Viewer, wanted: IncidentFilter
) -> AsyncIterator[ExportRow]:
    """Every matching incident in list order, read in batches (an export can be the whole
    history); the relationships' eager loads are switched off, the names are joined in, and
    the instructions are read once per batch."""
    column = SORT_COLUMNS[wanted.sort]
    order = column.asc() if wanted.order is SortOrder.ASC else column.desc()
    acknowledger, closer = aliased(Person), aliased(Person)
    tz = core.rules.tz
    async with core.reading() as session:
        query = (
            select(Incident, District.code, District.name_th, acknowledger.name, closer.name)
            .join(District, District.id == Incident.district_id)
            .outerjoin(acknowledger, acknowledger.id == Incident.acknowledged_by_id)
            .outerjoin(closer, closer.id == Incident.closed_by_id)
            .where(*await filtered(session, viewer, wanted, tz))  # type: ignore[arg-type]
            .order_by(order, Incident.id)
            .options(raiseload("*"))
            .execution_options(yield_per=EXPORT_BATCH)
        )
        result = await session.stream(query)
        async for batch in result.partitions():
            instructions = await _instructions(session, [row[0].id for row in batch])
            for incident, code, name, acknowledged_by, closed_by in batch:
                yield ExportRow(
                    incident, code, name, acknowledged_by, closed_by, instructions[incident.id]
                )


async def _instructions(
    session: AsyncSession, incident_ids: list[int]
) -> defaultdict[int, list[InstructionRow]]:
    """The instructions of some incidents, oldest first, by incident."""
    found: defaultdict[int, list[InstructionRow]] = defaultdict(list)
    rows = await session.execute(
        select(Instruction, Person.name)
        .join(Person, Person.id == Instruction.from_person_id)
        .where(Instruction.incident_id.in_(incident_ids))
        .order_by(Instruction.created_at, Instruction.id)
    )
    for instruction, author in rows.all():
        found[instruction.incident_id].append(
            InstructionRow(
                instruction.text, author, instruction.created_at, instruction.acknowledged_at
            )
        )
    return found


async def districts(session: AsyncSession, province_id: int) -> Sequence[District]:
    """The province's districts, by code (for the filter)."""
    return (
        await session.scalars(
            select(District).where(District.province_id == province_id).order_by(District.code)
        )
    ).all()
