"""The record use cases against a real database with the sample roster: no web, no Bot API."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from incidents import provinces
from incidents.config import Rules
from incidents.core import Core
from incidents.events import EventBus
from incidents.records.filters import Viewer
from storage.db import Database
from storage.models import AuditAction, AuditEvent, Person, Province, Urgency
from tests.support.clock import ManualClock
from tests.support.incidents import Spec, add_incident, import_sample_roster

# A documentation address (RFC 5737), as a web client's would be kept.
ADDRESS = "198.51.100.4"


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
    )
    return Core(db, clock, rules, provinces.load("phichit"), province_id, EventBus())


async def viewer(core: Core, roster_id: str) -> Viewer:
    """A roster person as the web log sees them once signed in."""
    async with core.reading() as session:
        person = await session.scalar(select(Person).where(Person.roster_id == roster_id))
        assert person is not None
        return Viewer.of(person)


async def person_id(core: Core, roster_id: str) -> int:
    """A roster person's row id."""
    return (await viewer(core, roster_id)).person_id


async def add(core: Core, spec: Spec | None = None) -> str:
    """Write an incident straight into the database; return its reference."""
    return await add_incident(core.db, spec or Spec(), core.clock.now(), core.rules.files_dir)


async def trail(core: Core, *actions: AuditAction) -> list[AuditEvent]:
    """The audit rows of these kinds (every web row when none is named), oldest first."""
    async with core.reading() as session:
        rows = (await session.scalars(select(AuditEvent).order_by(AuditEvent.id))).all()
    wanted = set(actions)
    return [r for r in rows if (r.action in wanted if wanted else r.action.startswith("web."))]
