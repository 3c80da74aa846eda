"""สถานการณ์ปัจจุบัน: what is open now, what nobody has acknowledged, where, and how many hurt.

Read through the viewer's visibility and without drills. The open incidents come unacknowledged
first (oldest first: the longest wait leads), then by urgency and age, at most SHOWN of them
with their latest news; the totals count every open incident, and every incident filed today.
A figure nobody gave is unknown, not zero: totals count it apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, tzinfo

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.records import stats
from incidents.records.filters import URGENCY_RANK, Viewer, not_a_drill
from incidents.records.stats import Totals
from storage.models import (
    OPEN_STATUSES,
    Category,
    District,
    EventKind,
    Incident,
    IncidentEvent,
    IncidentStatus,
    Urgency,
)

SHOWN = 50  # open incidents listed; the counts cover them all


@dataclass(frozen=True, slots=True)
class OpenRow:
    """One open incident as the situation lists it."""

    reference: str
    urgency: Urgency
    category: Category
    status: IncidentStatus
    district_name: str
    place: str
    created_at: datetime
    acknowledged_at: datetime | None
    figures: dict[str, int | None]
    latest_news: str
    latest_news_at: datetime | None
    latitude: float | None  # where the reporter shared a location, if they did
    longitude: float | None


@dataclass(frozen=True, slots=True)
class DistrictCount:
    """A district's open incidents, and how many of them nobody has acknowledged."""

    name: str
    code: str
    open: int
    unacknowledged: int


@dataclass(frozen=True, slots=True)
class Situation:
    """The whole page."""

    rows: Sequence[OpenRow]
    open: Totals
    today: Totals
    districts: Sequence[DistrictCount]
    as_of: datetime


def _conditions(viewer: Viewer) -> list[ColumnElement[bool]]:
    return [*viewer.visible(), not_a_drill()]


async def _latest_news(
    session: AsyncSession, incident_ids: Sequence[int]
) -> dict[int, tuple[str, datetime]]:
    """The newest news entry (the reporter's, or a status change) of each of these incidents."""
    if not incident_ids:
        return {}
    newest = (
        select(func.max(IncidentEvent.id))
        .where(
            IncidentEvent.incident_id.in_(incident_ids),
            IncidentEvent.kind.in_((EventKind.UPDATE, EventKind.STATUS_CHANGED)),
            IncidentEvent.text != "",
        )
        .group_by(IncidentEvent.incident_id)
    )
    rows = await session.execute(
        select(IncidentEvent.incident_id, IncidentEvent.text, IncidentEvent.at).where(
            IncidentEvent.id.in_(newest)
        )
    )
    return {incident_id: (text, at) for incident_id, text, at in rows}


def _start_of_day(now: datetime, tz: tzinfo) -> datetime:
    local = now.astimezone(tz)
    return datetime.combine(local.date(), time(0), tzinfo=tz)


async def situation(session: AsyncSession, viewer: Viewer, now: datetime, tz: tzinfo) -> Situation:
    """What is open now, and what was filed today, as the viewer may see them."""
    seen = _conditions(viewer)
    # Named, not "!= closed": the status index then finds the few open rows among years of
    # closed ones.
    open_now = [*seen, Incident.status.in_(OPEN_STATUSES)]
    waiting = case((Incident.acknowledged_at.is_(None), 0), else_=1)
    # Unacknowledged oldest first (the longest wait leads); the rest by urgency, newest first.
    age_key = case((Incident.acknowledged_at.is_(None), Incident.created_at), else_=None)
    found = (
        await session.execute(
            select(Incident, District.name_th)
            .join(District, District.id == Incident.district_id)
            .where(*open_now)
            .order_by(waiting, URGENCY_RANK, age_key.asc(), Incident.created_at.desc(), Incident.id)
            .limit(SHOWN)
        )
    ).all()
    news = await _latest_news(session, [incident.id for incident, _ in found])
    no_news: tuple[str, datetime | None] = ("", None)
    rows = [
        OpenRow(
            reference=incident.reference,
            urgency=incident.urgency,
            category=incident.category,
            status=incident.status,
            district_name=district_name,
            place=incident.place,
            created_at=incident.created_at,
            acknowledged_at=incident.acknowledged_at,
            figures={name: getattr(incident, name) for name in stats.FIGURES},
            latest_news=news.get(incident.id, no_news)[0],
            latest_news_at=news.get(incident.id, no_news)[1],
            latitude=incident.latitude,
            longitude=incident.longitude,
        )
        for incident, district_name in found
    ]
    by_district = await session.execute(
        select(
            District.name_th,
            District.code,
            func.count(Incident.id),
            func.count(case((Incident.acknowledged_at.is_(None), 1))),
        )
        .join(District, District.id == Incident.district_id)
        .where(*open_now)
        .group_by(District.id, District.name_th, District.code)
        .order_by(func.count(Incident.id).desc(), District.code)
    )
    today = [*seen, Incident.created_at >= _start_of_day(now, tz)]
    return Situation(
        rows=rows,
        open=await stats.totals(session, open_now),
        today=await stats.totals(session, today),
        districts=[DistrictCount(n, c, int(o), int(u)) for n, c, o, u in by_district],
        as_of=now,
    )
