"""Fixtures shared by every test: databases on each backend, settings, a manual clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot import provinces
from bot.services.province import ensure_province
from storage import migrate
from storage.db import Database
from tests.support.clock import ManualClock
from tests.support.database import BACKENDS, prepare_url

# Well-formed but fake; only ever sent to the fake Bot API on loopback.
TEST_TOKEN = "4242424242:AAHfakeLoopbackKeyForTests_0123456789ab"


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database on each backend under test (SQLite always, PostgreSQL if configured)."""
    return prepare_url(request.param, str(tmp_path))


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """A migrated database with the Phichit province loaded."""
    database = Database(database_url)
    await migrate.upgrade(database)
    async with database.write() as session:
        await ensure_province(session, provinces.load("phichit"))
    yield database
    await database.dispose()


@pytest.fixture
def clock() -> ManualClock:
    """Time that moves only when a test moves it."""
    return ManualClock()
