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
    """How this database finds substrings: PostgreSQL's ILIKE, or on SQLite the trigram index
    when migration 0005 could create it (FTS5 compiled in), else a scan."""
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        return TextSearch.ILIKE
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
    return [*viewer.visible(), *wanted.conditions(tz, search)]


async def _count(session: AsyncSession, conditions: list[object]) -> int:
    total = await session.scalar(
        select(func.count()).select_from(Incident).where(*conditions)  # type: ignore[arg-type]
    )
    return int(total or 0)


async def list_page(
    session: AsyncSession, viewer: Viewer, wanted: IncidentFilter, tz: tzinfo
) -> Page:
    """The page of incidents the filter asks for, sorted, with the total count."""
    conditions = await filtered(session, viewer, wanted, tz)
    column = SORT_COLUMNS[wanted.sort]
    descending = wanted.order is SortOrder.DESC
    if wanted.q.strip():
        # No index serves a substring match, so every row is read whatever we do: read them
        # once, for the ids of the matches in order (the count), then load the page by id.
        # Wrapping the sort key keeps SQLite from walking the sort index with a row lookup per
        # incident, which is slower than one pass over the table and a sort of the matches.
        key = func.coalesce(column, column)
        ids = (
            await session.scalars(
                select(Incident.id)
                .where(*conditions)  # type: ignore[arg-type]
                .order_by(key.desc() if descending else key.asc(), _tie(descending))
            )
        ).all()
        total = len(ids)
        pages = max(1, math.ceil(total / PAGE_SIZE))
        page = min(wanted.page, pages)
        shown = list(ids[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])
        found = await session.execute(
            select(Incident.id, *_LIST_COLUMNS)
            .join(District, District.id == Incident.district_id)
            .where(Incident.id.in_(shown))
        )
        by_id = {row[0]: ListRow(*cast(tuple[Any, ...], row[1:])) for row in found.all()}
        return Page([by_id[i] for i in shown], total, page, pages)
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
    return Page(rows=rows, total=total, page=page, pages=pages)


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
