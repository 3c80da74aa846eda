"""The report use cases against a real database with the sample roster: no Bot API."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from incidents import provinces
from incidents.config import Rules
from incidents.core import Core
from incidents.events import EventBus
from incidents.roster import gate
from storage.db import Database
from storage.models import Person, Province, Urgency
from tests.support.clock import ManualClock
from tests.support.incidents import import_sample_roster


@pytest.fixture
async def core(db: Database, clock: ManualClock, tmp_path: Path) -> Core:
    """The core over a migrated database holding the sample Phichit roster."""
    await import_sample_roster(db, clock.now())
    async with db.read() as session:
        province_id = (await session.scalars(select(Province.id))).one()
    rules = Rules(
        tz=ZoneInfo("Asia/Bangkok"),
        files_dir=tmp_path / "files",
        ack_deadlines={urgency: timedelta(minutes=5) for urgency in Urgency},
        draft_ttl=timedelta(hours=3),
        max_attachments=2,
    )
    return Core(db, clock, rules, provinces.load("phichit"), province_id, EventBus())


_accounts = iter(range(70_000, 80_000))


async def member(core: Core, roster_id: str) -> Person:
    """A roster person bound to a fresh account, as the gate hands them to a use case."""
    account = next(_accounts)
    async with core.unit() as uow:
        await uow.session.execute(
            update(Person).where(Person.roster_id == roster_id).values(telegram_user_id=account)
        )
    seen = await gate.identify(core, account_id=account)
    assert seen.person is not None
    return seen.person
