"""A chat as its person sees it: formatting, edits, replies, keyboards, pop-ups."""

from __future__ import annotations

import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
)

from simulator.telegram import Button, FakeBotAPI, make_png
from tests.simulator.telegram.conftest import GOVERNOR, GROUP, REPORTER

ACK = InlineKeyboardMarkup([[InlineKeyboardButton("รับทราบ", callback_data="ack:1")]])


async def test_messages_in_order_with_formatting(api: FakeBotAPI, bot: Bot) -> None:
    api.send_text(REPORTER, "/start")
    await bot.send_message(REPORTER, "<b>ยินดีต้อนรับ</b> คุณ <i>สมชาย</i>", parse_mode="HTML")
    view = api.chat_view(REPORTER)
    assert view.title == "สมชาย ใจดี"
    assert [(m.from_bot, m.sender, m.text) for m in view.messages] == [
        (False, "สมชาย ใจดี", "/start"),
        (True, "Incident Bot", "ยินดีต้อนรับ คุณ สมชาย"),
    ]
    assert view.messages[1].html == "<b>ยินดีต้อนรับ</b> คุณ <i>สมชาย</i>"
    assert view.messages[0].html == "/start"


async def test_edits_are_applied_and_deleted_messages_gone(api: FakeBotAPI, bot: Bot) -> None:
    sent = await bot.send_message(REPORTER, "รอรับทราบ", reply_markup=ACK)
    gone = await bot.send_message(REPORTER, "ชั่วคราว")
    await bot.edit_message_text("รับทราบแล้ว ✅", REPORTER, sent.message_id)
    await bot.delete_message(REPORTER, gone.message_id)
    [shown] = api.chat_view(REPORTER).messages
    assert (shown.text, shown.edited, shown.inline_keyboard) == ("รับทราบแล้ว ✅", True, [])


async def test_inline_keyboard_and_pop_ups(api: FakeBotAPI, bot: Bot) -> None:
    sent = await bot.send_message(GOVERNOR, "เหตุด่วน", reply_markup=ACK)
    [message] = api.chat_view(GOVERNOR).messages
    assert message.inline_keyboard == [[Button("รับทราบ", callback_data="ack:1")]]
    quiet = api.press_button(GOVERNOR, sent.message_id, "ack:1")
    loud = api.press_button(GOVERNOR, sent.message_id, "ack:1")
    await bot.answer_callback_query(quiet)  # no text: nothing pops up
    await bot.answer_callback_query(loud, "บันทึกแล้ว", show_alert=True)
    [popup] = api.chat_view(GOVERNOR).popups
    assert (popup.text, popup.show_alert, popup.message_id) == ("บันทึกแล้ว", True, sent.message_id)
    assert api.chat_view(REPORTER).popups == []


async def test_replies_are_quoted(api: FakeBotAPI, bot: Bot) -> None:
    asked = await bot.send_message(REPORTER, "ส่งตำแหน่งที่เกิดเหตุ")
    answer = api.send_text(REPORTER, "หน้าวัด", reply_to=asked.message_id)
    await bot.send_message(
        REPORTER,
        "ได้รับแล้ว",
        reply_parameters=ReplyParameters(answer.message_id, quote="วัด"),
    )
    user_reply, bot_reply = api.chat_view(REPORTER).messages[1:]
    assert user_reply.reply_to is not None and bot_reply.reply_to is not None
    assert (user_reply.reply_to.sender, user_reply.reply_to.text) == (
        "Incident Bot",
        "ส่งตำแหน่งที่เกิดเหตุ",
    )
    assert (bot_reply.reply_to.message_id, bot_reply.reply_to.text) == (answer.message_id, "วัด")


async def test_a_quote_follows_later_edits_of_the_replied_message(
    api: FakeBotAPI, bot: Bot
) -> None:
    first = await bot.send_message(REPORTER, "ร่าง")
    api.send_text(REPORTER, "ตอบ", reply_to=first.message_id)
    await bot.edit_message_text("ฉบับแก้", REPORTER, first.message_id)
    reply = api.chat_view(REPORTER).messages[-1].reply_to
    assert reply is not None and reply.text == "ฉบับแก้"


async def test_reply_keyboard_shown_folded_and_removed(api: FakeBotAPI, bot: Bot) -> None:
    keyboard = ReplyKeyboardMarkup(
        [["น้ำท่วม", "ไฟไหม้"], [KeyboardButton("ส่งตำแหน่ง", request_location=True)]],
        one_time_keyboard=True,
        input_field_placeholder="เลือกประเภทเหตุ",
    )
    await bot.send_message(REPORTER, "เหตุอะไร", reply_markup=keyboard)
    shown = api.chat_view(REPORTER).reply_keyboard
    assert shown is not None and not shown.collapsed
    assert [[b.text for b in row] for row in shown.rows] == [["น้ำท่วม", "ไฟไหม้"], ["ส่งตำแหน่ง"]]
    assert shown.rows[1][0].request_location and shown.placeholder == "เลือกประเภทเหตุ"
    assert api.chat_view(REPORTER).messages[0].inline_keyboard == []  # not in the message
    api.press_reply_button(REPORTER, "น้ำท่วม")
    folded = api.chat_view(REPORTER).reply_keyboard
    assert folded is not None and folded.collapsed
    await bot.send_message(REPORTER, "รับแจ้ง", reply_markup=ReplyKeyboardRemove())
    assert api.chat_view(REPORTER).reply_keyboard is None


async def test_media_and_locations(api: FakeBotAPI, bot: Bot) -> None:
    await bot.send_photo(REPORTER, make_png(64, 48), caption="<b>ภาพ</b>", parse_mode="HTML")
    await bot.send_document(REPORTER, b"%PDF-1.4", filename="รายงาน.pdf")
    await bot.send_location(REPORTER, 16.44, 100.35)
    api.send_document(REPORTER, b"hello", file_name="note.txt", mime_type="text/plain")
    photo, document, place, upload = api.chat_view(REPORTER).messages
    assert (photo.kind, photo.html) == ("photo", "<b>ภาพ</b>")
    assert photo.file_id is not None and api.file_bytes(photo.file_id) == make_png(64, 48)
    assert (document.kind, document.file_name) == ("document", "รายงาน.pdf")
    assert (place.kind, place.location, place.text) == ("location", (16.44, 100.35), None)
    assert (upload.from_bot, upload.file_name) == (False, "note.txt")


def test_groups_people_and_unknown_chats(api: FakeBotAPI) -> None:
    assert [u.id for u in api.users()][:2] == [REPORTER, GOVERNOR]
    assert api.chat_view(GROUP).title == "ศูนย์บัญชาการ"
    with pytest.raises(ValueError, match="unknown chat"):
        api.chat_view(424242)
