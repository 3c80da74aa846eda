"""Fixtures shared by every test: databases on each backend, settings, a manual clock."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.settings import Settings
from incidents import provinces
from incidents.roster.province import ensure_province
from storage.db import Database
from tests.fakes.bot_api import FakeBotAPI
from tests.support.clock import ManualClock
from tests.support.database import BACKENDS, Templates
from tests.support.harness import BOT_USERNAME, Harness, running

# Well-formed but fake; only ever sent to the fake Bot API on loopback.
TEST_TOKEN = "4242424242:AAHfakeLoopbackKeyForTests_0123456789ab"


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    """The session's migrated templates (each made when a test first needs it)."""
    made = Templates(tmp_path_factory.mktemp("template"))
    yield made
    made.close()


@pytest.fixture(params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, templates: Templates
) -> Iterator[str]:
    """A migrated database with no rows, of this test alone, on each backend under test
    (SQLite always, PostgreSQL if configured): a copy of the session's template."""
    with templates.database(request.param, tmp_path) as url:
        yield url


@pytest.fixture(params=BACKENDS)
def bare_database_url(
    request: pytest.FixtureRequest, tmp_path: Path, templates: Templates
) -> Iterator[str]:
    """A database without any schema, for the tests of the migrations themselves."""
    with templates.database(request.param, tmp_path, migrated=False) as url:
        yield url


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """A migrated database with the Phichit province loaded."""
    database = Database(database_url)
    async with database.write() as session:
        await ensure_province(session, provinces.load("phichit"))
    yield database
    await database.dispose()


@pytest.fixture
def clock() -> ManualClock:
    """Time that moves only when a test moves it."""
    return ManualClock()


@pytest.fixture
def fake_api() -> Iterator[FakeBotAPI]:
    """A fake Bot API server on loopback."""
    with FakeBotAPI(token=TEST_TOKEN, bot_username=BOT_USERNAME) as api:
        yield api


@pytest.fixture
def settings(fake_api: FakeBotAPI, database_url: str, tmp_path: Path) -> Settings:
    """Settings pointing at the fake Bot API and the test database; no .env is read."""
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        telegram_bot_token=TEST_TOKEN,
        telegram_api_base_url=fake_api.base_url,
        telegram_bot_username=BOT_USERNAME,
        database_url=database_url,
        data_dir=tmp_path / "data",
        web_port=0,  # the web log on any free port: tests never collide on 8080
    )


@pytest.fixture
async def bot(
    fake_api: FakeBotAPI, settings: Settings, clock: ManualClock
) -> AsyncIterator[Harness]:
    """The real application, running, with the sample Phichit roster imported."""
    async with running(fake_api, settings, clock) as harness:
        await harness.import_roster()
        yield harness
