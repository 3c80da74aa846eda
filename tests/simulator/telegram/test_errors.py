"""Errors the Bot API answers and faults a test injects."""

from __future__ import annotations

import datetime as dtm
import time

import httpx
import pytest
from telegram import (
    Bot,
)
from telegram.error import (
    Forbidden,
    NetworkError,
    RetryAfter,
    TimedOut,
)

from simulator.telegram import FakeBotAPI
from tests.simulator.telegram.conftest import GROUP_ID, OTHER_ID, USER_ID


async def test_429_becomes_retry_after(
    api: FakeBotAPI, bot: Bot, http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    api.fail_next("sendMessage", 429, retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(USER_ID, "flood")
    assert caught.value.retry_after == dtm.timedelta(seconds=7)
    assert api.sent_messages() == []  # nothing was sent by the failed call

    api.fail_next("sendMessage", 429, retry_after=3, chat_id=OTHER_ID)
    await bot.send_message(USER_ID, "other chats are not affected")
    raw = await http.post("sendMessage", data={"chat_id": str(OTHER_ID), "text": "x"})
    assert raw.status_code == 429
    assert raw.headers["Retry-After"] == "3"
    assert raw.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3},
    }
    assert [m.text for m in api.sent_messages()] == ["other chats are not affected"]


async def test_blocked_and_unknown_users(api: FakeBotAPI, bot: Bot) -> None:
    api.block(USER_ID)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(USER_ID, "hello")
    api.block(GROUP_ID)
    with pytest.raises(Forbidden, match="bot was kicked from the supergroup chat"):
        await bot.send_message(GROUP_ID, "hello")
    api.unblock(USER_ID)
    assert (await bot.send_message(USER_ID, "hello again")).text == "hello again"

    api.add_user(6000, "Never", started=False)
    with pytest.raises(Forbidden, match="can't initiate conversation"):
        await bot.send_message(6000, "hi")
    api.send_text(6000, "/start")
    assert (await bot.send_message(6000, "hi")).chat.id == 6000


async def test_server_errors_and_delays(api: FakeBotAPI, bot: Bot) -> None:
    api.fail_server(times=1, status=502)
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(USER_ID, "x")
    api.fail_server(times=1, status=500, method="sendChatAction")
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await bot.send_chat_action(USER_ID, "typing")
    assert await bot.send_chat_action(USER_ID, "typing") is True

    # A delayed answer: the client gives up, but the message *was* sent.
    api.delay("sendMessage", 2.0)
    started = time.monotonic()
    with pytest.raises(TimedOut):
        await bot.send_message(USER_ID, "slow", read_timeout=0.2)
    assert time.monotonic() - started < 1.5
    record = api.last_message(USER_ID)
    assert record is not None and record.text == "slow"
    assert api.calls("sendMessage")[-1].delayed == 2.0
    assert (await bot.send_message(USER_ID, "fast")).text == "fast"  # delay used up
