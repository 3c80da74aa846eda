"""Drafts in the database, and filing them as incidents exactly once."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.drills import series
from incidents.events import EventBus
from incidents.reports.draft import DraftData
from incidents.thaidate import be_year
from storage import counters
from storage.models import (
    DraftStatus,
    EventKind,
    Incident,
    IncidentSequence,
    Person,
    Province,
    ReportDraft,
    ReportStep,
)


def data_of(draft: ReportDraft) -> DraftData:
    """The draft's answers as a validated model."""
    return DraftData.model_validate(draft.data)


def save(draft: ReportDraft, data: DraftData, step: ReportStep, now: datetime) -> None:
    """Store answers and the step to ask next."""
    draft.data = data.model_dump(mode="json")
    draft.step = step
    draft.updated_at = now


async def open_draft(
    session: AsyncSession, person_id: int, *, for_update: bool = False
) -> ReportDraft | None:
    """The person's open draft, if any."""
    query = select(ReportDraft).where(
        ReportDraft.person_id == person_id, ReportDraft.status == DraftStatus.OPEN
    )
    if for_update:
        query = query.with_for_update(of=ReportDraft)
    return await session.scalar(query)


async def by_token(session: AsyncSession, person_id: int, token: str) -> ReportDraft | None:
    """The person's draft with that button token, whatever its status."""
    return await session.scalar(
        select(ReportDraft).where(ReportDraft.person_id == person_id, ReportDraft.token == token)
    )


class Opened(StrEnum):
    """How `open_or_start` found the person's draft."""

    CONTINUED = "continued"  # the open draft, still fresh
    STARTED = "started"  # none was open: a new one
    REPLACED = "replaced"  # the open one had expired: it is closed, and a new one started


def untouched_since(now: datetime, ttl: timedelta) -> datetime:
    """The draft-expiry rule: a draft untouched since before this moment has expired."""
    return now - ttl


def is_stale(draft: ReportDraft, now: datetime, ttl: timedelta) -> bool:
    """Whether the draft has been untouched for longer than `ttl`."""
    return draft.updated_at < untouched_since(now, ttl)


async def live_draft(
    session: AsyncSession, person_id: int, now: datetime, ttl: timedelta
) -> tuple[ReportDraft | None, bool]:
    """The person's open draft (locked) unless it has expired, and whether one just expired
    (it is closed then)."""
    existing = await open_draft(session, person_id, for_update=True)
    if existing is None or not is_stale(existing, now, ttl):
        return existing, False
    close(existing, DraftStatus.EXPIRED, now)
    await session.flush()  # the one-open-draft index must see it closed first
    return None, True


async def open_or_start(
    session: AsyncSession, person: Person, now: datetime, ttl: timedelta
) -> tuple[ReportDraft, Opened]:
    """The person's open draft (locked), or a new one when none is open or it expired."""
    existing, expired = await live_draft(session, person.id, now, ttl)
    if existing is not None:
        return existing, Opened.CONTINUED
    drill = await series.drill_of(session, person)
    data = DraftData(drill_offered=drill.id if drill is not None else None)
    draft = ReportDraft(
        person_id=person.id,
        token=secrets.token_hex(4),
        status=DraftStatus.OPEN,
        step=data.next_step(),
        data=data.model_dump(mode="json"),
        created_at=now,
        updated_at=now,
        attachments=[],
    )
    session.add(draft)
    await session.flush()
    return draft, Opened.REPLACED if expired else Opened.STARTED


def close(draft: ReportDraft, status: DraftStatus, now: datetime) -> None:
    """End a draft as cancelled or expired."""
    draft.status = status
    draft.updated_at = now


async def stale_drafts(
    session: AsyncSession, now: datetime, ttl: timedelta
) -> Sequence[ReportDraft]:
    """Open drafts untouched for longer than `ttl`, locked for expiring."""
    result = await session.scalars(
        select(ReportDraft)
        .where(
            ReportDraft.status == DraftStatus.OPEN,
            ReportDraft.updated_at < untouched_since(now, ttl),
        )
        .with_for_update(of=ReportDraft, skip_locked=True)
    )
    return result.all()


async def next_sequence(session: AsyncSession, province_id: int, year_be: int) -> int:
    """Take the next reference number for the province and year (row-locked, gap-free)."""
    return await counters.next_value(session, IncidentSequence, province_id, year_be)


class FileOutcome(StrEnum):
    """What confirming a draft did."""

    FILED = "filed"
    ALREADY_FILED = "already_filed"
    NOT_OPEN = "not_open"
    INCOMPLETE = "incomplete"


@dataclass(frozen=True, slots=True)
class FileResult:
    """The outcome, with the incident when there is one."""

    outcome: FileOutcome
    incident: Incident | None = None


async def file(
    session: AsyncSession, person: Person, token: str, now: datetime, tz: tzinfo, bus: EventBus
) -> FileResult:
    """File the draft as an incident, once: a second confirm finds the incident already filed."""
    draft = await session.scalar(
        select(ReportDraft)
        .where(ReportDraft.person_id == person.id, ReportDraft.token == token)
        .with_for_update(of=ReportDraft)
    )
    if draft is None:
        return FileResult(FileOutcome.NOT_OPEN)
    if draft.status is DraftStatus.FILED:
        return FileResult(FileOutcome.ALREADY_FILED, await session.get(Incident, draft.incident_id))
    if draft.status is not DraftStatus.OPEN:
        return FileResult(FileOutcome.NOT_OPEN)
    data = data_of(draft)
    if data.next_step() is not ReportStep.REVIEW:
        return FileResult(FileOutcome.INCOMPLETE)

    province = await session.get_one(Province, person.province_id)
    year = be_year(now.astimezone(tz).date())
    drill = await _drill_filed_in(session, draft.person, data)
    if drill is None:
        sequence = await next_sequence(session, province.id, year)
        reference = f"{province.reference_prefix}-{year}-{sequence:04d}"
    else:
        number = await series.next_sequence(session, province.id, year)
        sequence, reference = -number, series.reference(province.reference_prefix, year, number)
    # The draft's own (session-bound) person, so relationships need no further loading.
    incident = _incident_from(data, draft.person, province, year, sequence, now)
    incident.reference = reference
    incident.drill_id = drill
    incident.attachments = list(draft.attachments)
    session.add(incident)
    draft.status = DraftStatus.FILED
    draft.incident = incident
    draft.updated_at = now
    await session.flush()
    await bus.record(
        session,
        incident.id,
        EventKind.FILED,
        now,
        actor_person_id=person.id,
        reference=incident.reference,
    )
    return FileResult(FileOutcome.FILED, incident)


async def _drill_filed_in(session: AsyncSession, person: Person, data: DraftData) -> int | None:
    """The drill this report is filed in: only the one it names, if the reporter takes part
    in it and it is still running. Anything else files a real incident."""
    if data.drill_id is None:
        return None
    drill = await series.drill_of(session, person)
    return drill.id if drill is not None and drill.id == data.drill_id else None


def _incident_from(
    data: DraftData, person: Person, province: Province, year: int, sequence: int, now: datetime
) -> Incident:
    assert data.category and data.urgency and data.district_code
    assert data.place and data.description and data.occurred_at
    district = next(d for d in province.districts if d.code == data.district_code)
    return Incident(
        district=district,
        reporter=person,
        province_id=province.id,
        year_be=year,
        sequence=sequence,
        category=data.category,
        urgency=data.urgency,
        ddpm_level=data.ddpm_level,
        place=data.place,
        latitude=data.latitude,
        longitude=data.longitude,
        occurred_at=data.occurred_at,
        description=data.description,
        dead=data.dead,
        injured=data.injured,
        missing=data.missing,
        affected_households=data.households,
        damage_note=data.damage_note,
        agency_id=person.agency_id,
        reporter_name=person.name,
        reporter_position=person.position,
        reporter_phone=person.phone,
        agency_name=person.agency.name,
        created_at=now,
        updated_at=now,
    )
