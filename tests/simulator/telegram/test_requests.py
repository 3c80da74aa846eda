"""How requests may be written: JSON, query string, forms; commands by scope."""

from __future__ import annotations

import json

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
)
from telegram.error import (
    BadRequest,
)

from simulator.telegram import FakeBotAPI
from tests.simulator.telegram.conftest import USER_ID


async def test_json_body_query_string_and_form(api: FakeBotAPI, http: httpx.AsyncClient) -> None:
    as_json = await http.post(
        "sendMessage",
        json={
            "chat_id": USER_ID,
            "text": "json",
            "reply_markup": {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]},
        },
    )
    assert as_json.json()["result"]["reply_markup"]["inline_keyboard"][0][0]["text"] == "A"
    as_query = await http.get("sendMessage", params={"chat_id": str(USER_ID), "text": "query"})
    assert as_query.json()["result"]["text"] == "query"
    as_form = await http.post(
        "sendMessage",
        data={
            "chat_id": str(USER_ID),
            "text": "form",
            "reply_markup": json.dumps({"keyboard": [["Report"]], "resize_keyboard": True}),
            "disable_notification": "true",
        },
    )
    result = as_form.json()["result"]
    assert "reply_markup" not in result  # reply keyboards are not echoed by Telegram
    call = api.calls("sendMessage")[-1]
    assert call.params["chat_id"] == USER_ID  # decoded from the string
    assert call.params["reply_markup"] == {"keyboard": [["Report"]], "resize_keyboard": True}
    assert call.params["disable_notification"] is True
    assert api.last_message(USER_ID) is not None
    broken = await http.post(
        "sendMessage", data={"chat_id": str(USER_ID), "text": "x", "reply_markup": "{oops"}
    )
    assert broken.json()["description"] == (
        "Bad Request: can't parse reply keyboard markup JSON object"
    )
    assert [m.text for m in api.sent_messages(USER_ID)] == ["json", "query", "form"]


async def test_commands_per_scope_and_language(api: FakeBotAPI, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("start", "เริ่ม"), BotCommand("report", "แจ้งเหตุ")])
    await bot.set_my_commands(
        [BotCommand("report", "Report")], scope=BotCommandScopeChat(USER_ID), language_code="en"
    )
    assert [c.command for c in await bot.get_my_commands()] == ["start", "report"]
    assert api.commands() == [
        {"command": "start", "description": "เริ่ม"},
        {"command": "report", "description": "แจ้งเหตุ"},
    ]
    scoped = {"type": "chat", "chat_id": USER_ID}
    assert api.commands(scoped, "en") == [{"command": "report", "description": "Report"}]
    assert api.commands(scoped) is None
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Bad-Name", "x")])
    assert await bot.delete_my_commands()
    assert api.commands() is None
