"""Nothing confirmed is lost: flood limits, server errors, slow answers, restarts, blocked chats."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.senders import telegram as telegram_sender
from bot.senders.telegram import TelegramSender
from incidents.alerts.service import Alerts
from incidents.outbox.loop import DeliveryLoop
from incidents.outbox.render import Renderer
from storage.db import Database
from storage.models import Delivery, DeliveryStatus
from tests.fakes import Call
from tests.support.harness import Harness, running
from tests.support.reporting import ReportAnswers, alerts_in, file_report, has

REFERENCE = "PCT-2569-0001"


def alert_calls(bot: Harness, chat_id: int) -> list[Call]:
    """sendMessage calls that carried the alert to a chat (accepted or not)."""
    return [
        c
        for c in bot.api.calls("sendMessage")
        if int(c.params["chat_id"]) == chat_id
        and REFERENCE in c.params.get("text", "")
        and "เกิดเหตุ" in c.params.get("text", "")
    ]


async def test_flood_limits_are_honoured_and_each_alert_arrives_once(bot: Harness):
    executives = await bot.join_executives()
    reporter = await bot.join(2001, "D6604")
    bot.api.fail_next("sendMessage", 429, retry_after=1, times=2, chat_id=executives[0].id)

    await file_report(bot, reporter, ReportAnswers(photos=0))
    await bot.api.wait_until(lambda: alerts_in(bot, executives[0].id, REFERENCE), timeout=15)
    await bot.drain()

    refused = [c for c in alert_calls(bot, executives[0].id) if c.status == 429]
    assert len(refused) == 2
    for executive in executives:
        assert len(alerts_in(bot, executive.id, REFERENCE)) == 1


async def test_server_errors_are_retried_with_backoff_until_delivered_once(bot: Harness):
    executives = await bot.join_executives()
    reporter = await bot.join(2002, "D6601")
    for executive in executives[:2]:
        bot.api.fail_next("sendMessage", 502, "Bad Gateway", times=3, chat_id=executive.id)

    await file_report(bot, reporter, ReportAnswers(photos=0))
    await bot.api.wait_until(
        lambda: len([c for c in bot.api.calls("sendMessage") if c.status == 502]) >= 2
    )
    for _ in range(6):  # back-off is measured on the application's clock
        await bot.advance(timedelta(minutes=5))

    for executive in executives:
        assert len(alerts_in(bot, executive.id, REFERENCE)) == 1
    async with bot.runtime.db.read() as session:
        failed_then_sent = (
            await session.scalars(select(Delivery).where(Delivery.attempts > 1))
        ).all()
    assert failed_then_sent and all(d.status is DeliveryStatus.SENT for d in failed_then_sent)


async def test_a_slow_bot_api_answer_is_waited_for_not_sent_twice(bot: Harness):
    executives = await bot.join_executives()
    reporter = await bot.join(2003, "D6602")
    bot.api.delay("sendMessage", 2.0, times=1, chat_id=executives[1].id)

    await file_report(bot, reporter, ReportAnswers(photos=0))
    await bot.api.wait_until(lambda: alerts_in(bot, executives[1].id, REFERENCE), timeout=15)
    await asyncio.sleep(2.5)
    await bot.drain()

    assert len(alert_calls(bot, executives[1].id)) == 1
    assert len(alerts_in(bot, executives[1].id, REFERENCE)) == 1


async def test_a_request_that_times_out_is_retried_so_the_alert_is_not_lost(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
):
    # When no answer comes within the read timeout, nobody can know whether Telegram took the
    # message; the dispatcher sends again, preferring a rare duplicate to a lost alert.
    monkeypatch.setattr(
        telegram_sender,
        "SEND_TIMEOUTS",
        {"read_timeout": 0.5, "write_timeout": 5, "connect_timeout": 5},
    )
    executives = await bot.join_executives()
    reporter = await bot.join(2004, "D6603")
    bot.api.delay("sendMessage", 1.5, times=1, chat_id=executives[2].id)

    await file_report(bot, reporter, ReportAnswers(photos=0))
    await bot.api.wait_until(lambda: alert_calls(bot, executives[2].id), timeout=10)
    await asyncio.sleep(1.0)
    await bot.advance(timedelta(minutes=1))
    await bot.api.wait_until(lambda: len(alert_calls(bot, executives[2].id)) >= 2, timeout=10)
    await bot.drain()

    async with bot.runtime.db.read() as session:
        statuses = set(
            (
                await session.scalars(
                    select(Delivery.status).where(Delivery.chat_id == executives[2].id)
                )
            ).all()
        )
    assert statuses == {DeliveryStatus.SENT}
    assert 1 <= len(alerts_in(bot, executives[2].id, REFERENCE)) <= 2


async def test_deliveries_pending_at_a_restart_go_out_after_it(fake_api, settings, clock):
    async with running(fake_api, settings, clock) as bot:
        await bot.import_roster()
        executives = await bot.join_executives()
        reporter = await bot.join(2005, "D6605")
        for executive in executives:
            fake_api.fail_next(
                "sendMessage", 500, "Internal Server Error", times=1000, chat_id=executive.id
            )
        await file_report(bot, reporter, ReportAnswers(photos=0))
        await fake_api.wait_until(
            lambda: all(alert_calls(bot, e.id) for e in executives), timeout=10
        )
    # The process is gone with four alerts unsent; Telegram recovers meanwhile.
    fake_api.reset()
    clock.advance(timedelta(minutes=10))

    async with running(fake_api, settings, clock) as bot:
        await bot.api.wait_until(
            lambda: all(alerts_in(bot, e.id, REFERENCE) for e in executives), timeout=15
        )
        await bot.drain()
        for executive in executives:
            assert len(alerts_in(bot, executive.id, REFERENCE)) == 1


async def test_a_recipient_who_blocked_the_bot_is_marked_and_admins_told(bot: Harness):
    executives = await bot.join_executives()
    admin = await bot.join(3001, "ADMIN1")
    reporter = await bot.join(2006, "D6606")
    bot.api.block(executives[3].id)

    await file_report(bot, reporter, ReportAnswers(photos=1))
    notice = await bot.api.wait_for_message(admin.id, has("ส่งข้อความถึง"), timeout=10)
    await bot.drain()
    progress = await bot.api.wait_for_message(reporter.id, has("ส่งไม่ถึง 1 คน"), timeout=10)

    assert "นายจำลอง สมมุติวงศ์" in notice.text
    assert "ส่งถึงผู้บริหารแล้ว 3 จาก 4 คน" in progress.text
    person = await bot.person("DGOV3")
    assert person.unreachable_since == bot.clock.now()
    async with bot.runtime.db.read() as session:
        to_blocked = (
            await session.scalars(
                # About the incident (their welcome on joining went out before the block).
                select(Delivery.status).where(
                    Delivery.chat_id == executives[3].id, Delivery.incident_id.is_not(None)
                )
            )
        ).all()
    # The alert failed for good; its photo reply was not sent into the void either.
    assert set(to_blocked) <= {DeliveryStatus.FAILED}
    notices = [m for m in bot.api.sent_messages(admin.id) if "ส่งข้อความถึง" in m.text]
    assert len(notices) == 1  # told once, not once per message


async def test_two_dispatchers_never_send_the_same_delivery(bot: Harness, database_url):
    executives = await bot.join_executives()
    reporters = [await bot.join(2100 + i, f"D66{i + 1:02d}") for i in range(3)]
    # Hold this process's own dispatcher back; two fresh ones (own engines) race instead,
    # from the first report on: they also send the replies the reporters wait for.
    own = bot.dispatcher
    own.start_due = _never  # type: ignore[method-assign]
    bot.runtime.alerts.send_on_commit = False
    first, second = Database(database_url), Database(database_url)
    try:
        bots = [bot.application.bot, bot.application.bot]
        racers = [
            DeliveryLoop(
                db,
                TelegramSender(b),
                bot.clock,
                Alerts(bot.runtime.core),
                Renderer(bot.settings.tz),
                me=name,
            )
            for db, b, name in zip((first, second), bots, ("racer-1", "racer-2"), strict=True)
        ]
        running_racers = [asyncio.create_task(d.run()) for d in racers]
        try:
            for user in reporters:
                await file_report(bot, user, ReportAnswers(photos=2))
        finally:
            for d in racers:
                d.stop()
            await asyncio.gather(*running_racers)
        # A send still in flight may queue follow-ups once it is recorded (an alert's photos):
        # let it finish before the rounds that drain what is left.
        await asyncio.gather(*(d.wait_sent() for d in racers))
        for _ in range(20):
            counts = await asyncio.gather(*(d.run_once() for d in racers))
            if not any(counts):
                break
    finally:
        await first.dispose()
        await second.dispose()

    sends = Counter(
        (int(c.params["chat_id"]), c.params.get("text") or c.params.get("photo") or str(c.params))
        for c in bot.api.calls()
        if c.method in ("sendMessage", "sendPhoto", "sendLocation")
        and int(c.params["chat_id"]) in {e.id for e in executives}
    )
    assert sends and max(sends.values()) == 1
    for executive in executives:
        assert (
            len([m for m in bot.api.sent_messages(executive.id) if "เกิดเหตุ" in (m.text or "")]) == 3
        )
    async with bot.runtime.db.read() as session:
        pending = (
            await session.scalars(select(Delivery).where(Delivery.status == DeliveryStatus.PENDING))
        ).all()
    assert pending == []


async def _never() -> int:
    return 0
