"""The quota watch against the fake LINE Platform: the admins told once a calendar month (in
Bangkok) when 80 % of LINE's monthly message quota is used, across restarts; network errors
logged and tried again; the last reading exported."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.line.quota import Quota, QuotaWatch
from bot.line.sender import LineSender
from incidents.core import Core
from incidents.observability.metrics import REGISTRY
from simulator.line import FakeLinePlatform
from storage.db import Database
from storage.models import AuditAction, AuditEvent, DeliveryKind
from tests.bot.line.conftest import LINE_TOKEN
from tests.support.clock import ManualClock
from tests.support.core import JOINED, core_with_roster, queued
from tests.support.harness import Harness

# Both admins of the sample roster have joined (SNJ is a reporter too).
ADMINS = {"ADMIN1": 3001, "SNJ": 3002}
MARK = "โควตาข้อความ LINE"


@pytest.fixture
async def core(db: Database, clock: ManualClock, tmp_path: Path) -> Core:
    return await core_with_roster(db, clock, tmp_path, {**JOINED, **ADMINS})


@pytest.fixture
def watch(core: Core, sender: LineSender) -> QuotaWatch:
    return QuotaWatch(core, sender.api, interval_s=0.05)


async def notices(core: Core) -> list[tuple[int, str]]:
    """The quota notices queued so far: to which chat, and what they say."""
    rows = await queued(core, DeliveryKind.MESSAGE)
    return [(r.chat_id, r.params.text.plain()) for r in rows if MARK in r.params.text.plain()]


def rounds_done(watch: QuotaWatch, count: int) -> Callable[[], bool]:
    return lambda: watch.rounds >= count


def gauge(name: str) -> float | None:
    return REGISTRY.get_sample_value(f"incident_bot_line_quota_{name}")


async def test_below_80_percent_or_without_a_limit_nobody_is_told(
    core: Core, watch: QuotaWatch, line: FakeLinePlatform
):
    assert await watch.check() == Quota(limit=None, used=0)
    line.set_quota(1000, used=799)

    assert await watch.check() == Quota(limit=1000, used=799)
    assert await notices(core) == []
    assert (gauge("limit"), gauge("used")) == (1000, 799)


async def test_at_80_percent_each_admin_is_told_once_that_month_even_by_a_new_watch(
    core: Core, watch: QuotaWatch, sender: LineSender, line: FakeLinePlatform
):
    line.set_quota(1000, used=800)

    await watch.check()
    await watch.check()
    await QuotaWatch(core, sender.api).check()  # as after a restart: same database

    told = await notices(core)
    assert sorted(chat for chat, _ in told) == sorted(ADMINS.values())
    assert all("800 จาก 1,000 ข้อความ (80%)" in text for _, text in told)
    assert all("Telegram แทน" in text for _, text in told)
    async with core.reading() as session:
        (row,) = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.action == AuditAction.LINE_QUOTA_WARNED)
            )
        ).all()
    assert (row.subject_id, row.detail) == ("2026-11", {"used": 800, "limit": 1000, "percent": 80})


async def test_the_next_month_in_bangkok_they_are_told_again(
    core: Core, watch: QuotaWatch, line: FakeLinePlatform, clock: ManualClock
):
    line.set_quota(1000, used=900)
    await watch.check()

    # 30 November 17:30 UTC is 1 December 00:30 in Bangkok: a new month there already.
    clock.advance(datetime(2026, 11, 30, 17, 30, tzinfo=UTC) - clock.now())
    await watch.check()

    assert [text.count("900 จาก 1,000") for _, text in await notices(core)] == [1] * 4


async def test_a_used_up_quota_is_told_as_100_percent(
    core: Core, watch: QuotaWatch, line: FakeLinePlatform
):
    line.set_quota(0)
    await watch.check()

    assert all("(100%)" in text for _, text in await notices(core))
    assert len(await notices(core)) == 2


async def test_network_errors_are_logged_without_the_token_and_the_next_round_recovers(
    core: Core,
    watch: QuotaWatch,
    line: FakeLinePlatform,
    caplog: pytest.LogCaptureFixture,
):
    line.set_quota(1000, used=850)
    # aiohttp sends a GET again by itself once when the connection drops; twice is an error.
    line.lose_next_answer("quota", times=2)
    line.fail_next("consumption", 500)
    caplog.set_level(logging.WARNING, logger="bot.line.quota")

    task = asyncio.create_task(watch.run())
    try:
        # A lost answer, a 500, then a good reading.
        await line.wait_until(rounds_done(watch, 3), 10, what="three rounds")
        assert not task.done()
    finally:
        task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    failures = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert failures[0].startswith("reading the LINE message quota failed (network: ")
    assert failures[1].startswith("reading the LINE message quota failed (LINE answered 500")
    assert len(failures) == 2
    assert LINE_TOKEN not in caplog.text
    assert watch.last == Quota(limit=1000, used=850)
    assert len(await notices(core)) == 2


async def test_the_program_watches_the_quota_and_a_restart_does_not_tell_again(
    program: Harness, line: FakeLinePlatform
):
    admin = await program.join(5200, "ADMIN1")
    await program.stop()
    line.set_quota(500, used=450)

    for _ in range(2):
        await program.start()
        watch = program.runtime.line_quota
        await line.wait_until(rounds_done(watch, 1), 10, what="the start-up round")
        await program.drain()
        await program.stop()

    told = [m for m in program.api.sent_messages(admin.id) if MARK in (m.text or "")]
    assert len(told) == 1 and "450 จาก 500 ข้อความ (90%)" in (told[0].text or "")
    await program.start()  # for the fixture to stop


@pytest.mark.parametrize(
    ("limit", "used", "told"), [(15, 11, False), (15, 12, True), (3, 2, False), (3, 3, True)]
)
async def test_the_threshold_is_80_percent_in_whole_numbers(
    core: Core, watch: QuotaWatch, line: FakeLinePlatform, limit: int, used: int, told: bool
):
    line.set_quota(limit, used=used)
    await watch.check()

    assert bool(await notices(core)) is told
