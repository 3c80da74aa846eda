"""Edits and answers to button presses."""

from __future__ import annotations

import pytest
from telegram import (
    Bot,
)
from telegram.error import (
    BadRequest,
)

from simulator.telegram import FakeBotAPI, make_png
from tests.simulator.telegram.conftest import USER_ID, keyboard


async def test_edit_message_text_and_markup(api: FakeBotAPI, bot: Bot) -> None:
    sent = await bot.send_message(USER_ID, "status: new", reply_markup=keyboard("ack"))
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text(
            "status: new", USER_ID, sent.message_id, reply_markup=keyboard("ack")
        )
    edited = await bot.edit_message_text(
        "status: <b>ack</b>", USER_ID, sent.message_id, parse_mode="HTML"
    )
    assert isinstance(edited, type(sent))
    assert edited.text == "status: ack" and edited.reply_markup is None
    assert edited.edit_date is not None
    await bot.edit_message_reply_markup(USER_ID, sent.message_id, reply_markup=keyboard("close"))
    record = api.last_message(USER_ID)
    assert record is not None
    assert [e.method for e in record.edits] == ["editMessageText", "editMessageReplyMarkup"]
    assert record.callback_data == ["close"]
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", USER_ID, 999)
    photo = await bot.send_photo(USER_ID, make_png())
    with pytest.raises(BadRequest, match="There is no text in the message to edit"):
        await bot.edit_message_text("x", USER_ID, photo.message_id)
    captioned = await bot.edit_message_caption(USER_ID, photo.message_id, caption="new caption")
    assert isinstance(captioned, type(sent)) and captioned.caption == "new caption"

    assert await bot.delete_message(USER_ID, sent.message_id)
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(USER_ID, sent.message_id)
    assert api.sent_messages(USER_ID)[0].deleted


async def test_answer_callback_query(api: FakeBotAPI, bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query("12345")
    sent = await bot.send_message(USER_ID, "choose", reply_markup=keyboard("a", "b"))
    query_id = api.press_button(USER_ID, sent.message_id, "b")
    update = (await bot.get_updates(timeout=0))[0]
    assert update.callback_query is not None
    assert update.callback_query.id == query_id
    assert update.callback_query.data == "b"
    assert update.callback_query.message is not None
    assert update.callback_query.message.message_id == sent.message_id
    assert await bot.answer_callback_query(query_id, "ok", show_alert=True)
    answer = await api.wait_for_callback_answer(query_id)
    assert (answer.text, answer.show_alert) == ("ok", True)
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query_id)  # a query is answered once
    with pytest.raises(ValueError, match="not on message"):
        api.press_button(USER_ID, sent.message_id, "zzz")
