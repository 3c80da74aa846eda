"""The roster in the database: importing, listing, deactivating and finding people."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from incidents import audit
from incidents.audit import Actor
from incidents.roster.csv import RosterRow
from storage.models import (
    Agency,
    AuditAction,
    District,
    DraftStatus,
    Invite,
    PendingInput,
    Person,
    PersonRole,
    Province,
    Reach,
    ReportDraft,
    Role,
    WebLoginToken,
    WebSession,
)


@dataclass(slots=True)
class ImportSummary:
    """What an import changed."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    not_in_file: int = 0


class PersonNotFoundError(LookupError):
    """No person on the roster has that id."""


async def _agency(
    session: AsyncSession, province: Province, name: str, cache: dict[str, Agency]
) -> Agency:
    if name not in cache:
        agency = await session.scalar(
            select(Agency).where(Agency.province_id == province.id, Agency.name == name)
        )
        if agency is None:
            agency = Agency(province_id=province.id, name=name)
            session.add(agency)
            await session.flush()
        cache[name] = agency
    return cache[name]


def _apply(person: Person, row: RosterRow, agency: Agency, district: District | None) -> bool:
    """Copy a row onto a person; return whether anything changed."""
    before = (
        person.name,
        person.position,
        person.agency_id,
        person.district_id,
        person.phone,
        person.active,
        person.roles,
    )
    person.name = row.name
    person.position = row.position
    person.agency = agency
    person.agency_id = agency.id
    person.district = district
    person.district_id = district.id if district else None
    person.phone = row.phone
    if row.active is not None:
        person.active = row.active
    for role_row in [r for r in person.role_rows if r.role not in row.roles]:
        person.role_rows.remove(role_row)
    for role in sorted(row.roles - person.roles):
        person.role_rows.append(PersonRole(role=role))
    after = (
        person.name,
        person.position,
        person.agency_id,
        person.district_id,
        person.phone,
        person.active,
        person.roles,
    )
    return before != after


async def import_rows(
    session: AsyncSession,
    province: Province,
    rows: Sequence[RosterRow],
    now: datetime,
    actor: Actor,
    source_name: str,
) -> ImportSummary:
    """Upsert people by roster id; people missing from the file are left as they are."""
    summary = ImportSummary()
    districts = {
        d.code: d
        for d in await session.scalars(select(District).where(District.province_id == province.id))
    }
    people = {
        p.roster_id: p
        for p in await session.scalars(select(Person).where(Person.province_id == province.id))
    }
    agencies: dict[str, Agency] = {}
    for row in rows:
        agency = await _agency(session, province, row.agency, agencies)
        district = districts[row.district_code] if row.district_code else None
        person = people.get(row.roster_id)
        if person is None:
            person = Person(
                province_id=province.id,
                roster_id=row.roster_id,
                active=True,
                created_at=now,
                updated_at=now,
                role_rows=[],
            )
            _apply(person, row, agency, district)
            session.add(person)
            summary.created.append(row.roster_id)
        else:
            was_active = person.active
            if not _apply(person, row, agency, district):
                summary.unchanged.append(row.roster_id)
                continue
            person.updated_at = now
            summary.updated.append(row.roster_id)
            if was_active and not person.active:
                await end_access(session, person, now, actor)
    listed = {row.roster_id for row in rows}
    summary.not_in_file = sum(1 for key in people if key not in listed)
    await session.flush()
    audit.record(
        session,
        AuditAction.ROSTER_IMPORTED,
        actor,
        now,
        subject_type="roster",
        subject_id=province.key,
        file=source_name,
        created=len(summary.created),
        updated=len(summary.updated),
        unchanged=len(summary.unchanged),
    )
    return summary


async def list_people(session: AsyncSession, province: Province) -> Sequence[Person]:
    """Everyone on the roster, by roster id."""
    result = await session.scalars(
        select(Person).where(Person.province_id == province.id).order_by(Person.roster_id)
    )
    return result.all()


async def get_by_roster_id(session: AsyncSession, province: Province, roster_id: str) -> Person:
    """The person with that roster id, or PersonNotFoundError."""
    person = await session.scalar(
        select(Person).where(Person.province_id == province.id, Person.roster_id == roster_id)
    )
    if person is None:
        raise PersonNotFoundError(roster_id)
    return person


async def deactivate(
    session: AsyncSession, province: Province, roster_id: str, now: datetime, actor: Actor
) -> Person:
    """Stop a person from using the bot; their history stays."""
    person = await get_by_roster_id(session, province, roster_id)
    if person.active:
        person.active = False
        person.updated_at = now
        await end_access(session, person, now, actor)
    return person


async def set_reach(
    session: AsyncSession,
    province: Province,
    roster_id: str,
    reach: Reach,
    now: datetime,
    actor: Actor,
) -> Person:
    """Choose which of the person's bound channels their alerts go to (audited)."""
    person = await get_by_roster_id(session, province, roster_id)
    if person.reach is not reach:
        before = person.reach
        person.reach, person.updated_at = reach, now
        audit.record(
            session,
            AuditAction.PERSON_REACH_SET,
            actor,
            now,
            subject_type="person",
            subject_id=person.id,
            before=before.value,
            after=reach.value,
        )
    return person


async def end_access(session: AsyncSession, person: Person, now: datetime, actor: Actor) -> None:
    """End everything that lets a deactivated person in, for good: web sessions, unspent
    sign-in links and invitations, what their next message was to answer, an open draft.
    Activating them again revives none of it; they are invited afresh."""
    await session.execute(
        update(WebSession)
        .where(WebSession.person_id == person.id, WebSession.ended_at.is_(None))
        .values(ended_at=now)
    )
    for model in (WebLoginToken, Invite):
        await session.execute(
            update(model)
            .where(model.person_id == person.id, model.used_at.is_(None), model.expires_at > now)
            .values(expires_at=now)
        )
    await session.execute(delete(PendingInput).where(PendingInput.person_id == person.id))
    await session.execute(
        update(ReportDraft)
        .where(ReportDraft.person_id == person.id, ReportDraft.status == DraftStatus.OPEN)
        .values(status=DraftStatus.CANCELLED, updated_at=now)
    )
    audit.record(
        session,
        AuditAction.PERSON_DEACTIVATED,
        actor,
        now,
        subject_type="person",
        subject_id=person.id,
    )


async def find_by_telegram_id(session: AsyncSession, telegram_user_id: int) -> Person | None:
    """The roster person bound to that Telegram account, active or not."""
    return await session.scalar(select(Person).where(Person.telegram_user_id == telegram_user_id))


async def reachable_with_role(
    session: AsyncSession, province_id: int, role: Role
) -> Sequence[Person]:
    """Active people with `role` who have joined the bot."""
    result = await session.scalars(
        select(Person)
        .join(PersonRole)
        .where(
            Person.province_id == province_id,
            Person.active.is_(True),
            Person.telegram_user_id.is_not(None),
            PersonRole.role == role,
        )
        .order_by(Person.id)
    )
    return result.unique().all()


def line_account(person: Person | None) -> str | None:
    """The person's LINE account while they are active and have not blocked the province's
    Official Account (an unfollow; following again clears it)."""
    if person is None or not person.active or person.line_unreachable_since is not None:
        return None
    return person.line_user_id


def reachable_chat(person: Person | None) -> int | None:
    """Where a person is reached now: their bound Telegram account while they are active.

    Asked when a message is queued and again when it is sent, so a deactivated person gets
    nothing more and a person bound to a new account gets it there, not on the old one.
    """
    if person is None or not person.active:
        return None
    return person.telegram_user_id
