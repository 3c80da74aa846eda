"""Telegram's flood limits: on by default, configurable, answered with 429 and retry_after."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from telegram import Bot
from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder

from simulator.telegram import FakeBotAPI, FloodLimits
from tests.simulator.telegram.conftest import GOVERNOR, GROUP, OTHER_ID, REPORTER, USER_ID


async def test_the_simulator_limits_one_message_per_second_per_chat(limited: FakeBotAPI) -> None:
    async with httpx.AsyncClient(base_url=f"{limited.base_url}{limited.token}/") as http:
        first = await http.post("sendMessage", json={"chat_id": REPORTER, "text": "1"})
        second = await http.post("sendMessage", json={"chat_id": REPORTER, "text": "2"})
        elsewhere = await http.post("sendMessage", json={"chat_id": GOVERNOR, "text": "3"})
    assert (first.status_code, second.status_code, elsewhere.status_code) == (200, 429, 200)
    assert second.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }
    assert second.headers["retry-after"] == "1"
    assert [m.text for m in limited.sent_messages()] == ["1", "3"]  # nothing sent on a 429


async def test_python_telegram_bot_sees_retry_after(limited: FakeBotAPI) -> None:
    async with Bot(limited.token, base_url=limited.base_url) as bot:
        await bot.send_message(REPORTER, "first")
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(REPORTER, "second")
    assert caught.value.retry_after.total_seconds() == 1  # type: ignore[union-attr]
    assert limited.rate_limited_count == 1


async def test_a_group_gets_twenty_messages_a_minute() -> None:
    limits = FloodLimits(per_chat_per_second=100, group_per_minute=20, global_per_second=100)
    with FakeBotAPI(flood_limits=limits) as api:
        api.add_group(GROUP, "ศูนย์บัญชาการ")
        async with httpx.AsyncClient(base_url=f"{api.base_url}{api.token}/") as http:
            answers = [
                await http.post("sendMessage", json={"chat_id": GROUP, "text": str(n)})
                for n in range(21)
            ]
    assert [a.status_code for a in answers] == [200] * 20 + [429]
    assert answers[-1].json()["parameters"]["retry_after"] > 1  # until a minute has passed


async def test_about_thirty_messages_a_second_overall() -> None:
    with FakeBotAPI(flood_limits=FloodLimits(global_per_second=30)) as api:
        people = [api.add_user(6000 + n, f"คนที่ {n}") for n in range(31)]
        async with httpx.AsyncClient(base_url=f"{api.base_url}{api.token}/") as http:
            answers = [
                await http.post("sendMessage", json={"chat_id": p.id, "text": "แจ้งเตือน"})
                for p in people
            ]
    assert [a.status_code for a in answers].count(429) >= 1
    assert answers[0].status_code == 200


async def test_limits_can_be_turned_off_and_on(api: FakeBotAPI, bot: Bot) -> None:
    for n in range(5):
        await bot.send_message(REPORTER, f"burst {n}")  # the test fixture has no limits
    api.enforce_rate_limits()
    await bot.send_message(REPORTER, "now limited")
    with pytest.raises(RetryAfter):
        await bot.send_message(REPORTER, "too soon")
    api.disable_rate_limits()
    await bot.send_message(REPORTER, "free again")


async def test_rate_limit_emulation(api: FakeBotAPI, http: httpx.AsyncClient) -> None:
    api.enforce_rate_limits(per_chat_per_second=1, global_per_second=30)
    first = await http.post("sendMessage", data={"chat_id": USER_ID, "text": "1"})
    second = await http.post("sendMessage", data={"chat_id": USER_ID, "text": "2"})
    other = await http.post("sendMessage", data={"chat_id": OTHER_ID, "text": "3"})
    assert (first.status_code, second.status_code, other.status_code) == (200, 429, 200)
    assert second.json()["parameters"] == {"retry_after": 1}
    assert api.rate_limited_count == 1


async def test_flood_is_carried_by_retrying_bot(
    api: FakeBotAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    api.enforce_rate_limits(per_chat_per_second=100, global_per_second=5)
    limiter = AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=5)
    app: Application[Any, Any, Any, Any, Any, Any] = (
        ApplicationBuilder().token(api.token).base_url(api.base_url).rate_limiter(limiter).build()
    )
    users = [api.add_user(7000 + i, f"U{i}") for i in range(8)]
    async with app:
        await asyncio.gather(*(app.bot.send_message(u.id, f"alert {u.id}") for u in users))
    assert api.rate_limited_count >= 3
    assert sorted(m.chat_id for m in api.sent_messages()) == [u.id for u in users]
