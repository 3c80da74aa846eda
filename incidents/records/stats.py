"""Statistics of the incidents a viewer may see: by month, district and category, and how fast
leadership knew (time from filing to the first acknowledgement)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import ColumnElement, case, func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.records.filters import IncidentFilter, Viewer
from incidents.records.queries import filtered
from storage.models import Category, District, Incident, IncidentStatus, Urgency


@dataclass(frozen=True, slots=True)
class Count:
    """A label key and how many incidents it has."""

    key: str
    count: int


FIGURES = ("dead", "injured", "missing", "affected_households")


@dataclass(frozen=True, slots=True)
class Figure:
    """A sum over incidents, and how many of them did not say (unknown, not zero)."""

    total: int
    unknown: int


@dataclass(frozen=True, slots=True)
class Totals:
    """Incidents, and each casualty figure summed over them."""

    incidents: int
    unacknowledged: int
    figures: dict[str, Figure]


@dataclass(frozen=True, slots=True)
class UrgencyAck:
    """How fast one urgency's incidents were acknowledged, against its deadline."""

    urgency: Urgency
    total: int
    acknowledged: int
    within_deadline: int  # acknowledged no later than the deadline after filing
    deadline_s: float | None
    median_s: float | None


@dataclass(frozen=True, slots=True)
class Statistics:
    """What the statistics page shows."""

    total: int
    by_month: Sequence[Count]  # key "YYYY-MM" (Christian year; shown in B.E.)
    by_district: Sequence[Count]  # key: district name
    by_category: Sequence[Count]  # key: Category value
    acknowledged: int
    ack_median_s: float | None
    ack_p90_s: float | None
    open: int = 0
    closed: int = 0
    casualties: Totals | None = None
    by_urgency: Sequence[UrgencyAck] = ()


def _month_key(session: AsyncSession, tz: tzinfo) -> ColumnElement[Any]:
    """The occurrence's month in local time, as "YYYY-MM"."""
    if _dialect(session) == "postgresql":
        zone = getattr(tz, "key", "UTC")
        local = func.timezone(zone, Incident.occurred_at)
        return func.to_char(local, "YYYY-MM")
    # SQLite keeps naive UTC text; shift by the zone's offset. Thailand has no daylight
    # saving, so one offset is exact there (elsewhere a month's edge may be off by an hour).
    offset = datetime.now(UTC).astimezone(tz).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    return func.strftime("%Y-%m", Incident.occurred_at, f"{minutes:+d} minutes")


def _ack_delay(session: AsyncSession) -> tuple[ColumnElement[Any], float]:
    """Time from filing to the first acknowledgement, and the factor that makes it seconds.

    The expression is exactly the one the `ix_incident_ack_delay` index of migration 0005 is
    built on (days on SQLite, seconds on PostgreSQL), so percentiles read that index instead
    of sorting every acknowledged incident.
    """
    if _dialect(session) == "postgresql":
        return func.extract("epoch", Incident.acknowledged_at - Incident.created_at), 1.0
    return func.julianday(Incident.acknowledged_at) - func.julianday(Incident.created_at), 86400.0


def _dialect(session: AsyncSession) -> str:
    return session.bind.dialect.name if session.bind is not None else "sqlite"


async def _grouped(
    session: AsyncSession, key: ColumnElement[Any] | Any, conditions: list[object]
) -> list[Count]:
    labelled = key.label("k")
    rows = await session.execute(
        select(labelled, func.count())
        .select_from(Incident)
        .where(*conditions)  # type: ignore[arg-type]
        .group_by(literal_column("k"))
        .order_by(literal_column("k"))
    )
    return [Count(str(k), int(n)) for k, n in rows.all()]


async def totals(session: AsyncSession, conditions: Sequence[object]) -> Totals:
    """How many incidents match, how many wait for acknowledgement, and each casualty figure
    summed over them with how many did not say."""
    columns: list[Any] = [
        func.count(),
        func.count(case((Incident.acknowledged_at.is_(None), 1))),
    ]
    for name in FIGURES:
        column = getattr(Incident, name)
        columns += [func.coalesce(func.sum(column), 0), func.count(case((column.is_(None), 1)))]
    query = select(*columns).select_from(Incident).where(*conditions)  # type: ignore[arg-type]
    row = (await session.execute(query)).one()
    figures = {
        name: Figure(int(row[2 + 2 * i]), int(row[3 + 2 * i])) for i, name in enumerate(FIGURES)
    }
    return Totals(int(row[0]), int(row[1]), figures)


async def _percentile(
    session: AsyncSession, conditions: list[object], n: int, p: float
) -> float | None:
    """The nearest-rank percentile in seconds, computed in the database (no rows fetched)."""
    if n == 0:
        return None
    delay, to_seconds = _ack_delay(session)
    rank = max(1, math.ceil(p * n))
    value = await session.scalar(
        select(delay)
        .select_from(Incident)
        .where(*conditions, Incident.acknowledged_at.is_not(None))  # type: ignore[arg-type]
        .order_by(delay)
        .offset(rank - 1)
        .limit(1)
    )
    # julianday() arithmetic carries float noise; whole seconds are what anyone reads.
    return None if value is None else float(max(0, round(float(value) * to_seconds)))


async def statistics(
    session: AsyncSession,
    viewer: Viewer,
    wanted: IncidentFilter,
    tz: tzinfo,
    deadlines: Mapping[Urgency, timedelta] | None = None,
) -> Statistics:
    """Counts, casualties and acknowledgement times for the incidents matching the filter;
    with `deadlines`, each urgency's acknowledgements against its deadline."""
    from incidents.records import tallied

    if tallied.answers(viewer, wanted, tz):
        return await tallied.statistics(session, wanted, deadlines or {})
    conditions = await filtered(session, viewer, wanted, tz)
    by_month = await _grouped(session, _month_key(session, tz), conditions)
    district_rows = await session.execute(select(District.id, District.name_th))
    names: dict[int, str] = {row[0]: row[1] for row in district_rows.all()}
    by_district = [
        Count(names.get(int(c.key), c.key), c.count)
        for c in await _grouped(session, Incident.district_id, conditions)
    ]
    by_category = await _grouped(session, Incident.category, conditions)
    by_district.sort(key=lambda c: -c.count)
    by_category.sort(key=lambda c: -c.count)
    n, median, p90 = await _acknowledgement(session, conditions)
    casualties = await totals(session, conditions)
    closed = await session.scalar(
        select(func.count())
        .select_from(Incident)
        .where(*conditions, Incident.status == IncidentStatus.CLOSED)  # type: ignore[arg-type]
    )
    return Statistics(
        total=sum(c.count for c in by_month),
        by_month=by_month,
        by_district=by_district,
        by_category=[Count(Category(c.key).value, c.count) for c in by_category],
        acknowledged=n,
        ack_median_s=median,
        ack_p90_s=p90,
        open=casualties.incidents - int(closed or 0),
        closed=int(closed or 0),
        casualties=casualties,
        by_urgency=await _by_urgency(session, conditions, deadlines or {}),
    )


async def _by_urgency(
    session: AsyncSession, conditions: list[object], deadlines: Mapping[Urgency, timedelta]
) -> list[UrgencyAck]:
    delay, to_seconds = _ack_delay(session)
    found = []
    for urgency in Urgency:
        these = [*conditions, Incident.urgency == urgency]
        deadline = deadlines.get(urgency)
        # In whole seconds, as the tallies keep it (incidents/records/tallied.py).
        limit = deadline.total_seconds() if deadline is not None else None
        row = (
            await session.execute(
                select(
                    func.count(),
                    func.count(Incident.acknowledged_at),
                    func.count(
                        case(
                            (
                                func.round(delay * to_seconds)
                                <= (limit if limit is not None else -1),
                                1,
                            )
                        )
                    ),
                )
                .select_from(Incident)
                .where(*these)  # type: ignore[arg-type]
            )
        ).one()
        total, acknowledged = int(row[0]), int(row[1])
        found.append(
            UrgencyAck(
                urgency=urgency,
                total=total,
                acknowledged=acknowledged,
                within_deadline=int(row[2] or 0),
                deadline_s=deadline.total_seconds() if deadline is not None else None,
                median_s=await _percentile(session, these, acknowledged, 0.5),
            )
        )
    return found


async def _acknowledgement(
    session: AsyncSession, conditions: list[object]
) -> tuple[int, float | None, float | None]:
    """How many were acknowledged, and the median and 90th percentile of the delay (seconds).

    PostgreSQL's percentile_disc is the nearest-rank percentile, all three in one pass; SQLite
    has no such aggregate, so it counts and then reads the delay index at the two ranks.
    """
    acknowledged = [*conditions, Incident.acknowledged_at.is_not(None)]
    if _dialect(session) == "postgresql":
        delay, _ = _ack_delay(session)
        row = (
            await session.execute(
                select(
                    func.count(),
                    func.percentile_disc(0.5).within_group(delay),
                    func.percentile_disc(0.9).within_group(delay),
                ).where(*acknowledged)  # type: ignore[arg-type]
            )
        ).one()
        n = int(row[0] or 0)
        median, p90 = (None if v is None else float(max(0, round(float(v)))) for v in row[1:])
        return n, median, p90
    count = await session.scalar(
        select(func.count()).select_from(Incident).where(*acknowledged)  # type: ignore[arg-type]
    )
    n = int(count or 0)
    return (
        n,
        await _percentile(session, conditions, n, 0.5),
        await _percentile(session, conditions, n, 0.9),
    )
