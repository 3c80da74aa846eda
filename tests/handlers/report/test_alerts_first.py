"""Alerts first: a confirm's alerts go out before the reporter's own calls compete with them."""

from __future__ import annotations

import asyncio
import time

import pytest

from incidents import core as core_module
from incidents.outbox import queue as outbox
from tests.support.harness import Harness, button_data
from tests.support.reporting import fill_report, has


async def test_every_alert_is_answered_before_the_confirm_is_answered(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
):
    # However slow the machine, the handler waits for the alerts here (the bound is below).
    monkeypatch.setattr(core_module, "ALERTS_FIRST_S", 30.0)
    executives = {user.id for user in await bot.join_executives()}
    reporter = await bot.join(8101, "D6606")
    review = await fill_report(bot, reporter)

    mark = bot.api.mark()
    bot.api.press_button(reporter, review, button_data(review, "ยืนยัน"))
    await bot.api.wait_for_message(reporter.id, has("ส่งรายงานแล้ว"), since=mark)
    await bot.drain()

    calls = bot.api.calls(since=mark)
    alerts = [
        c.seq for c in calls if c.method == "sendMessage" and int(c.params["chat_id"]) in executives
    ]
    to_reporter = [
        c.seq
        for c in calls
        if c.method in ("answerCallbackQuery", "editMessageReplyMarkup")
        or (c.method == "sendMessage" and int(c.params["chat_id"]) == reporter.id)
    ]
    assert len(alerts) == len(executives)
    assert to_reporter, "the confirm was answered"
    assert max(alerts) < min(to_reporter)


async def test_waiting_for_alerts_ends_at_its_bound_and_takes_the_futures_once():
    hung: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    info: dict[object, object] = {outbox.ALERTS_SENDING: [hung]}

    started = time.monotonic()
    await outbox.wait_alerts_sent(info, 0.05)

    assert time.monotonic() - started < 5  # returned at its bound, not with the hung send
    assert not hung.done()
    assert outbox.ALERTS_SENDING not in info
    await outbox.wait_alerts_sent(info, 5.0)  # nothing left to wait for: returns at once
