"""Keeping the roster, as use cases for whoever administers it (today the `incident-bot roster`
commands): importing a checked file, listing people, deactivating one, inviting some.

Each opens its own unit of work; an invitation sheet is written inside it, so a sheet that
cannot be written issues no code at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from incidents import files
from incidents.audit import Actor
from incidents.core import Core
from incidents.roster import invites, people, sheet
from incidents.roster.csv import RosterRow
from incidents.roster.people import ImportSummary
from incidents.roster.sheet import SheetLine
from storage.models import Person, Province, Reach, Role


async def import_roster(
    core: Core, rows: Sequence[RosterRow], file_name: str, actor: Actor
) -> ImportSummary:
    """Add or update people by roster id from rows already checked (all of them or none)."""
    async with core.unit() as uow:
        province = await uow.session.get_one(Province, core.province_id)
        return await people.import_rows(uow.session, province, rows, uow.now, actor, file_name)


@dataclass(frozen=True, slots=True)
class RosterEntry:
    """One person as the roster listing shows them."""

    roster_id: str
    name: str
    position: str
    agency: str
    district_code: str | None
    roles: frozenset[Role]
    active: bool
    joined: bool
    joined_line: bool = False
    reach: Reach = Reach.ALL


async def roster_entries(core: Core) -> list[RosterEntry]:
    """Everyone on the roster, by roster id."""
    async with core.reading() as session:
        province = await session.get_one(Province, core.province_id)
        return [
            RosterEntry(
                roster_id=p.roster_id,
                name=p.name,
                position=p.position,
                agency=p.agency.name,
                district_code=p.district.code if p.district else None,
                roles=p.roles,
                active=p.active,
                joined=p.telegram_user_id is not None,
                joined_line=p.line_user_id is not None,
                reach=p.reach,
            )
            for p in await people.list_people(session, province)
        ]


async def deactivate(core: Core, roster_id: str, actor: Actor) -> str:
    """Stop a person from using the system (their history stays); their name. Raises
    PersonNotFoundError for an id not on the roster."""
    async with core.unit() as uow:
        province = await uow.session.get_one(Province, core.province_id)
        person = await people.deactivate(uow.session, province, roster_id, uow.now, actor)
        return person.name


async def set_reach(core: Core, roster_id: str, reach: Reach, actor: Actor) -> Person:
    """Choose which bound channels the person's alerts go to; the person. Raises
    PersonNotFoundError for an id not on the roster."""
    async with core.unit() as uow:
        province = await uow.session.get_one(Province, core.province_id)
        return await people.set_reach(uow.session, province, roster_id, reach, uow.now, actor)


@dataclass(frozen=True, slots=True)
class InviteChoice:
    """Whom to invite: people named by roster id, or every active holder of a role."""

    roster_ids: Sequence[str] = ()
    role: Role | None = None
    not_joined: bool = False


class SheetNotWrittenError(OSError):
    """The invitation sheet could not be written; no invitation was issued."""


async def invite(
    core: Core, choice: InviteChoice, bot_username: str, actor: Actor, out: Path | None = None
) -> list[SheetLine]:
    """Issue an invitation to each chosen person (earlier codes of theirs stop working), and
    write them to the sheet `out` when given. InviteSelectionError or InviteError when they
    cannot all be invited; nothing is issued then."""
    async with core.unit() as uow:
        province = await uow.session.get_one(Province, core.province_id)
        everyone = await people.list_people(uow.session, province)
        chosen = sheet.choose(
            everyone, choice.roster_ids, choice.role, not_joined=choice.not_joined
        )
        ttl = core.rules.invite_ttl
        lines = [
            sheet.sheet_line(
                await invites.issue(uow.session, person, uow.now, ttl, actor), bot_username
            )
            for person in chosen
        ]
        if out is not None and lines:
            try:
                files.write_private(out, sheet.csv_bytes(lines, core.rules.tz))
            except OSError as exc:
                raise SheetNotWrittenError(exc.errno, exc.strerror, str(out)) from exc
        return lines
