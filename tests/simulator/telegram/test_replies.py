"""reply_parameters as the Bot API documents it: quotes, replies to other chats."""

from __future__ import annotations

import httpx
import pytest
from telegram import Bot, ReplyParameters
from telegram.error import BadRequest

from simulator.telegram import FakeBotAPI, make_png
from tests.simulator.telegram.conftest import GOVERNOR, REPORTER


async def test_a_quote_must_be_part_of_the_replied_message(
    api: FakeBotAPI, http: httpx.AsyncClient
) -> None:
    said = api.send_text(REPORTER, "น้ำท่วมถนนหน้าโรงเรียน")

    async def reply(quote: str, **more: object) -> httpx.Response:
        parameters = {"message_id": said.message_id, "quote": quote, **more}
        body = {"chat_id": REPORTER, "text": "รับแจ้ง", "reply_parameters": parameters}
        return await http.post("sendMessage", json=body)

    found = (await reply("หน้าโรงเรียน")).json()["result"]
    assert found["quote"] == {"text": "หน้าโรงเรียน", "position": 10, "is_manual": True}
    assert found["reply_to_message"]["message_id"] == said.message_id
    missing = await reply("ไฟไหม้")
    assert missing.status_code == 400
    assert missing.json() == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: QUOTE_TEXT_INVALID",
    }
    assert (await reply("น้ำ", quote_position=0)).status_code == 200
    assert (await reply("น้ำ", quote_position=3)).status_code == 400
    styled = (await reply("<b>ถนน</b>", quote_parse_mode="HTML")).json()["result"]["quote"]
    assert styled["entities"] == [{"type": "bold", "offset": 0, "length": 3}]


async def test_a_reply_to_another_chat_is_an_external_reply(api: FakeBotAPI, bot: Bot) -> None:
    original = api.send_photo(REPORTER, make_png(), "ภาพ")
    sent = await bot.send_message(
        GOVERNOR,
        "ส่งต่อจากอำเภอ",
        reply_parameters=ReplyParameters(original.message_id, chat_id=REPORTER),
    )
    assert sent.reply_to_message is None
    assert sent.external_reply is not None and sent.external_reply.photo
    origin = sent.external_reply.origin
    assert origin.type == "user" and origin.sender_user.id == REPORTER  # type: ignore[attr-defined]
    with pytest.raises(BadRequest, match="Message to be replied not found"):
        await bot.send_message(
            GOVERNOR,
            "x",
            reply_parameters=ReplyParameters(
                999, chat_id=REPORTER, allow_sending_without_reply=True
            ),
        )
    alone = await bot.send_message(
        GOVERNOR, "y", reply_parameters=ReplyParameters(999, allow_sending_without_reply=True)
    )
    assert alone.reply_to_message is None
