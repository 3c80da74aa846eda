"""Updates: getUpdates, long polls, conflicts, webhooks, a whole application."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx
import pytest
from telegram import (
    Bot,
    Update,
)
from telegram.error import (
    BadRequest,
    Conflict,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from simulator.telegram import FakeBotAPI
from tests.simulator.telegram.conftest import OTHER_ID, USER_ID, keyboard


async def test_get_updates_offset_and_long_poll(api: FakeBotAPI, bot: Bot) -> None:
    first = api.send_text(USER_ID, "/start abc")
    api.send_location(USER_ID, 16.44, 100.35)
    api.send_sticker(USER_ID)
    updates = await bot.get_updates(timeout=0)
    assert [u.update_id for u in updates] == [first.update_id + i for i in range(3)]
    command = updates[0].message
    assert command is not None and command.text == "/start abc"
    assert command.entities[0].type == "bot_command" and command.entities[0].length == 6
    assert updates[1].message is not None and updates[1].message.location is not None
    assert updates[1].message.location.latitude == pytest.approx(16.44)

    # Without confirming, the same updates come again; limit applies.
    again = await bot.get_updates(limit=2, timeout=0)
    assert [u.update_id for u in again] == [first.update_id, first.update_id + 1]
    # offset confirms everything below it.
    last = await bot.get_updates(offset=first.update_id + 2, timeout=0)
    assert [u.update_id for u in last] == [first.update_id + 2]
    assert await bot.get_updates(offset=first.update_id + 3, timeout=0) == ()
    assert api.pending_updates() == []

    async def inject_later() -> None:
        await asyncio.sleep(0.2)
        api.send_text(OTHER_ID, "wake up")

    started = time.monotonic()
    injector = asyncio.create_task(inject_later())
    woke = await bot.get_updates(offset=first.update_id + 3, timeout=10)
    await injector
    assert 0.15 < time.monotonic() - started < 2
    assert woke[0].message is not None and woke[0].message.text == "wake up"

    api.redeliver(first)  # Telegram redelivers unconfirmed updates after a restart
    repeated = await bot.get_updates(offset=woke[0].update_id, timeout=0)
    assert [u.update_id for u in repeated] == [first.update_id, woke[0].update_id]
    assert await bot.get_updates(offset=woke[0].update_id + 1, timeout=0) == ()


async def test_second_poller_conflicts_and_webhook_mode(
    api: FakeBotAPI, bot: Bot, http: httpx.AsyncClient
) -> None:
    waiting = asyncio.create_task(bot.get_updates(timeout=5))
    await api.wait_until(lambda: len(api.calls("getUpdates")) == 1)
    second = await http.post("getUpdates", data={"timeout": 0})  # another bot instance
    assert second.json() == {"ok": True, "result": []}
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await waiting

    api.send_text(USER_ID, "pending")
    assert await bot.set_webhook("http://127.0.0.1:9/hook", secret_token="s3cret")
    info = await bot.get_webhook_info()
    assert (info.url, info.pending_update_count) == ("http://127.0.0.1:9/hook", 1)
    with pytest.raises(Conflict, match="can't use getUpdates method while webhook is active"):
        await bot.get_updates()
    with pytest.raises(BadRequest, match=r"(?i)bad webhook"):
        await bot.set_webhook("https://example.org/hook")
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates(timeout=0) == ()


async def test_webhook_delivery(api: FakeBotAPI, bot: Bot) -> None:
    received: list[tuple[str, dict[str, Any]]] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        headers = dict(
            line.split(": ", 1) for line in head.decode().split("\r\n")[1:] if ": " in line
        )
        lowered = {k.lower(): v for k, v in headers.items()}
        body = await reader.readexactly(int(lowered["content-length"]))
        received.append((lowered.get("x-telegram-bot-api-secret-token", ""), json.loads(body)))
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        await bot.set_webhook(f"http://127.0.0.1:{port}/hook", secret_token="s3cret")
        injected = api.send_text(USER_ID, "via webhook")
        await api.wait_until(lambda: received)
        await api.wait_until(lambda: api.pending_updates() == [])
    assert received[0][0] == "s3cret"
    assert received[0][1]["update_id"] == injected.update_id
    assert received[0][1]["message"]["text"] == "via webhook"


# -------------------------------------------------------------- application
async def test_application_answers_start_and_button(api: FakeBotAPI) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_html(
            f"สวัสดี <b>{context.args[0] if context.args else ''}</b>",
            reply_markup=keyboard("confirm"),
            do_quote=True,
        )

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("รับทราบ")
        await query.edit_message_text(f"done: {query.data}")

    app: Application[Any, Any, Any, Any, Any, Any] = (
        ApplicationBuilder()
        .token(api.token)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(button))
    async with app:
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        await app.start()
        try:
            mark = api.mark()
            command = api.send_text(USER_ID, "/start fire")
            reply = await api.wait_for_message(USER_ID, since=mark)
            assert reply.text == "สวัสดี fire"
            assert reply.reply_to_message_id == command.message_id

            query_id = api.press_button(USER_ID, reply, "confirm")
            answer = await api.wait_for_callback_answer(query_id)
            assert answer.text == "รับทราบ"
            edited = await api.wait_until(
                lambda: next((m for m in api.sent_messages(USER_ID) if m.edits), None)
            )
            assert edited.text == "done: confirm"
            assert edited.original_text == "สวัสดี fire"
            assert edited.reply_markup is None  # editMessageText without markup drops it
            with pytest.raises(ValueError, match="not on message"):
                api.press_button(USER_ID, reply, "confirm")  # the keyboard is gone
        finally:
            await app.updater.stop()
            await app.stop()
    await api.wait_until(lambda: api.pending_updates() == [])


async def test_abandoned_long_poll_hands_out_nothing(api: FakeBotAPI, bot: Bot) -> None:
    polling = asyncio.create_task(bot.get_updates(timeout=5))
    await api.wait_until(lambda: api.calls("getUpdates"))
    polling.cancel()  # the client goes away mid-poll, e.g. the bot is being stopped
    with pytest.raises(asyncio.CancelledError):
        await polling
    injected = api.send_text(USER_ID, "after the client left")
    await api.wait_until(lambda: api.calls("getUpdates")[0].status == 499)
    assert api.pending_updates() == [injected.update]
    assert api.calls("getUpdates")[0].result is None
