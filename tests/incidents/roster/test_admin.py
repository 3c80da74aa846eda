"""Keeping the roster as core use cases (what `incident-bot roster` calls): no CLI, no Bot API."""

from __future__ import annotations

import stat
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from incidents import provinces
from incidents.audit import CLI_ACTOR
from incidents.config import Rules
from incidents.core import Core
from incidents.events import EventBus
from incidents.roster import admin
from incidents.roster import csv as roster_csv
from incidents.roster.invites import hash_code
from incidents.roster.people import ImportSummary, PersonNotFoundError
from incidents.roster.sheet import InviteSelectionError
from storage.db import Database
from storage.models import AuditAction, AuditEvent, Invite, Province, Role, Urgency
from tests.support.clock import ManualClock
from tests.support.harness import SAMPLE_ROSTER


@pytest.fixture
async def core(db: Database, clock: ManualClock, tmp_path: Path) -> Core:
    """The core over a migrated database with the province and nobody on its roster."""
    async with db.read() as session:
        province_id = (await session.scalars(select(Province.id))).one()
    rules = Rules(
        tz=ZoneInfo("Asia/Bangkok"),
        files_dir=tmp_path / "files",
        ack_deadlines={urgency: timedelta(minutes=5) for urgency in Urgency},
        invite_ttl=timedelta(hours=24),
    )
    return Core(db, clock, rules, provinces.load("phichit"), province_id, EventBus())


async def imported(core: Core) -> ImportSummary:
    parsed = roster_csv.parse(SAMPLE_ROSTER.read_bytes(), core.province)
    assert not parsed.errors
    return await admin.import_roster(core, parsed.rows, "phichit-roster.csv", CLI_ACTOR)


async def invites(core: Core) -> list[Invite]:
    async with core.reading() as session:
        return list((await session.scalars(select(Invite).order_by(Invite.id))).all())


async def test_an_import_adds_everyone_once_and_is_audited_each_time(core: Core):
    first = await imported(core)
    again = await imported(core)

    assert (len(first.created), len(first.updated)) == (30, 0)
    assert (len(again.created), len(again.unchanged)) == (0, 30)
    async with core.reading() as session:
        rows = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.action == AuditAction.ROSTER_IMPORTED)
            )
        ).all()
    assert [(r.source, r.detail["created"]) for r in rows] == [("cli", 30), ("cli", 0)]


async def test_the_listing_gives_each_person_with_their_agency_district_and_state(core: Core):
    await imported(core)
    await admin.deactivate(core, "D6602", CLI_ACTOR)

    entries = {e.roster_id: e for e in await admin.roster_entries(core)}

    assert list(entries) == sorted(entries)
    governor = entries["GOV"]
    assert (governor.name, governor.agency, governor.district_code) == (
        "นายสมมติ ตัวอย่างดี",
        "ศาลากลางจังหวัดพิจิตร",
        None,
    )
    assert governor.roles == {Role.EXECUTIVE}
    assert (governor.active, governor.joined) == (True, False)
    assert entries["D6604"].district_code == "6604"
    assert entries["D6602"].active is False


async def test_deactivating_someone_not_on_the_roster_changes_nothing(core: Core):
    await imported(core)

    with pytest.raises(PersonNotFoundError):
        await admin.deactivate(core, "NOPE", CLI_ACTOR)
    assert await admin.deactivate(core, "D6605", CLI_ACTOR) == "นายสาธิต บางทดลอง"


async def test_an_invitation_by_role_issues_a_hashed_code_each_valid_for_the_rules_ttl(
    core: Core,
):
    await imported(core)

    lines = await admin.invite(core, admin.InviteChoice(role=Role.EXECUTIVE), "a_bot", CLI_ACTOR)

    assert [line.issued.person.roster_id for line in lines] == ["DGOV1", "DGOV2", "DGOV3", "GOV"]
    assert lines[0].link == f"https://t.me/a_bot?start={lines[0].issued.code}"
    stored = await invites(core)
    assert [i.code_hash for i in stored] == [hash_code(line.issued.code) for line in lines]
    assert all(i.expires_at - i.created_at == timedelta(hours=24) for i in stored)


async def test_nobody_is_invited_when_one_of_those_named_cannot_be(core: Core):
    await imported(core)
    await admin.deactivate(core, "D6605", CLI_ACTOR)

    with pytest.raises(InviteSelectionError, match="not on the roster: NOPE"):
        await admin.invite(core, admin.InviteChoice(("GOV", "NOPE")), "", CLI_ACTOR)
    with pytest.raises(InviteSelectionError, match="deactivated: D6605"):
        await admin.invite(core, admin.InviteChoice(("D6604", "D6605")), "", CLI_ACTOR)
    assert await invites(core) == []


async def test_a_sheet_is_private_and_one_that_cannot_be_written_issues_nothing(
    core: Core, tmp_path: Path
):
    await imported(core)
    sheet = tmp_path / "admins.csv"

    written = await admin.invite(core, admin.InviteChoice(role=Role.ADMIN), "", CLI_ACTOR, sheet)
    before = await invites(core)
    with pytest.raises(admin.SheetNotWrittenError):
        await admin.invite(
            core, admin.InviteChoice(role=Role.ADMIN), "", CLI_ACTOR, tmp_path / "no" / "x.csv"
        )

    assert stat.S_IMODE(sheet.stat().st_mode) == 0o600
    assert sheet.read_bytes().startswith(b"\xef\xbb\xbf")
    assert len(before) == len(written) == 2
    after = await invites(core)
    assert [(i.id, i.expires_at) for i in after] == [(i.id, i.expires_at) for i in before]
