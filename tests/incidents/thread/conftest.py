"""An incident whose alert went to the Governor and a Deputy Governor, on a real database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from incidents.core import Core
from storage.db import Database
from storage.models import Incident
from tests.support.clock import ManualClock
from tests.support.core import core_with_roster
from tests.support.incidents import Spec, add_incident


@pytest.fixture
async def core(db: Database, clock: ManualClock, tmp_path: Path) -> Core:
    return await core_with_roster(db, clock, tmp_path)


@pytest.fixture
async def incident_id(core: Core, clock: ManualClock, tmp_path: Path) -> int:
    """Reported by D6604 (Taphan Hin), alerted to GOV and DGOV1."""
    reference = await add_incident(
        core.db, Spec(recipients=["GOV", "DGOV1"]), clock.now(), tmp_path / "files"
    )
    async with core.reading() as session:
        found = await session.scalar(select(Incident.id).where(Incident.reference == reference))
    assert found is not None
    return found
