"""Readiness: the database must answer a trivial query in time; channels are only reported."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from incidents.core import Core
from incidents.observability import health
from incidents.observability.health import Health, Link
from storage.db import Database
from tests.support.clock import ManualClock
from tests.support.core import core_with_roster
from tests.support.program import closed_port


def core_over(core: Core, url: str) -> Core:
    """The same core over another database."""
    return Core(Database(url), core.clock, core.rules, core.province, core.province_id, core.events)


@pytest.fixture
async def silent_server() -> AsyncIterator[int]:
    """A loopback port that accepts connections and never says a word."""
    held: list[asyncio.StreamWriter] = []

    async def hold(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    for writer in held:
        writer.close()
    server.close()
    await server.wait_closed()


async def test_a_database_that_answers_makes_the_process_ready(
    db: Database, clock: ManualClock, tmp_path: Path
):
    core = await core_with_roster(db, clock, tmp_path)

    checked = await health.readiness(core, Health({"telegram": Link.CONNECTED}))

    assert checked.ready
    assert checked.answer == {
        "status": "ready",
        "database": "ok",
        "telegram": "connected",
        "telegram_connected": True,
    }


async def test_a_channel_not_reached_is_said_without_making_the_process_unready(
    db: Database, clock: ManualClock, tmp_path: Path
):
    core = await core_with_roster(db, clock, tmp_path)

    checked = await health.readiness(core, Health({"telegram": Link.CONNECTING}))

    assert checked.ready
    assert checked.answer["telegram"] == "connecting"
    assert checked.answer["telegram_connected"] is False


async def test_a_database_refusing_connections_is_named_without_its_address(
    db: Database, clock: ManualClock, tmp_path: Path
):
    core = await core_with_roster(db, clock, tmp_path)
    port = closed_port()
    down = core_over(core, f"postgresql+asyncpg://secretuser@127.0.0.1:{port}/incident")
    try:
        checked = await health.readiness(down, Health())
    finally:
        await down.db.dispose()

    assert not checked.ready
    assert checked.answer["status"] == "not ready"
    reason = str(checked.answer["database"])
    assert reason.startswith("unreachable (")
    assert "secretuser" not in reason and str(port) not in reason


async def test_a_database_that_never_answers_is_not_ready_after_the_timeout(
    db: Database, clock: ManualClock, tmp_path: Path, silent_server: int
):
    core = await core_with_roster(db, clock, tmp_path)
    hung = core_over(core, f"postgresql+asyncpg://postgres@127.0.0.1:{silent_server}/incident")
    try:
        problem = await health.database_problem(hung, limit_s=0.2)
    finally:
        await hung.db.dispose()

    assert problem == "no answer within 0.2 s"
