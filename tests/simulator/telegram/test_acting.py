"""Acting as a person: write, reply, tap buttons, send photos and documents, share places."""

from __future__ import annotations

import httpx
import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from simulator.telegram import FakeBotAPI, make_png
from tests.simulator.telegram.conftest import GOVERNOR, REPORTER


async def test_text_and_reply_reach_the_bot(api: FakeBotAPI, bot: Bot) -> None:
    asked = await bot.send_message(REPORTER, "รายละเอียด?")
    api.send_text(REPORTER, "น้ำสูง 1 เมตร", reply_to=asked.message_id)
    [update] = await bot.get_updates()
    assert update.message is not None and update.message.text == "น้ำสูง 1 เมตร"
    assert update.message.reply_to_message is not None
    assert update.message.reply_to_message.message_id == asked.message_id
    assert update.message.from_user is not None and update.message.from_user.id == REPORTER


async def test_a_press_is_a_callback_query_for_a_shown_button(api: FakeBotAPI, bot: Bot) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("รับทราบ", callback_data="ack:7")]])
    sent = await bot.send_message(GOVERNOR, "เหตุ #7", reply_markup=markup)
    with pytest.raises(ValueError, match="not on message"):
        api.press_button(GOVERNOR, sent.message_id, "ack:8")
    query_id = api.press_button(GOVERNOR, sent.message_id, "ack:7")
    [update] = await bot.get_updates()
    query = update.callback_query
    assert query is not None and (query.id, query.data) == (query_id, "ack:7")
    assert query.message is not None and query.message.message_id == sent.message_id


async def test_photos_and_documents_from_bytes_are_downloadable(api: FakeBotAPI, bot: Bot) -> None:
    picture = make_png(120, 80)
    api.send_photo(REPORTER, picture, caption="ภาพที่เกิดเหตุ")
    api.send_document(REPORTER, b"%PDF-1.4 report", file_name="รายงาน.pdf")
    photo_update, document_update = await bot.get_updates()
    assert photo_update.message is not None and document_update.message is not None
    largest = photo_update.message.photo[-1]
    assert (largest.width, largest.height, photo_update.message.caption) == (
        120,
        80,
        "ภาพที่เกิดเหตุ",
    )
    assert bytes(await (await largest.get_file()).download_as_bytearray()) == picture
    document = document_update.message.document
    assert document is not None and document.file_name == "รายงาน.pdf"
    downloaded = await (await document.get_file()).download_as_bytearray()
    assert bytes(downloaded) == b"%PDF-1.4 report"


async def test_a_shared_location(api: FakeBotAPI, bot: Bot) -> None:
    api.send_location(REPORTER, 16.2913, 100.4586, horizontal_accuracy=25)
    [update] = await bot.get_updates()
    assert update.message is not None and update.message.location is not None
    place = update.message.location
    assert (place.latitude, place.longitude, place.horizontal_accuracy) == (16.2913, 100.4586, 25)


async def test_reply_keyboard_buttons(api: FakeBotAPI, bot: Bot) -> None:
    keyboard = ReplyKeyboardMarkup(
        [
            ["น้ำท่วม"],
            [KeyboardButton("ส่งตำแหน่ง", request_location=True)],
            [KeyboardButton("ส่งเบอร์", request_contact=True)],
        ]
    )
    await bot.send_message(REPORTER, "เลือก", reply_markup=keyboard)
    with pytest.raises(ValueError, match="no reply keyboard button"):
        api.press_reply_button(REPORTER, "ไฟไหม้")
    with pytest.raises(ValueError, match="location="):
        api.press_reply_button(REPORTER, "ส่งตำแหน่ง")
    api.press_reply_button(REPORTER, "น้ำท่วม")
    api.press_reply_button(REPORTER, "ส่งตำแหน่ง", location=(16.44, 100.35))
    api.press_reply_button(REPORTER, "ส่งเบอร์", phone_number="+66800000001")
    text, place, contact = [u.message for u in await bot.get_updates()]
    assert text is not None and text.text == "น้ำท่วม"
    assert place is not None and place.location is not None
    assert contact is not None and contact.contact is not None
    assert (contact.contact.phone_number, contact.contact.user_id) == ("+66800000001", REPORTER)


async def test_long_polling_with_offset_over_raw_http(api: FakeBotAPI) -> None:
    async with httpx.AsyncClient(base_url=f"{api.base_url}{api.token}/", timeout=5) as http:
        api.send_text(REPORTER, "หนึ่ง")
        first = (await http.post("getUpdates", json={"timeout": 1})).json()
        assert first["ok"] and [u["message"]["text"] for u in first["result"]] == ["หนึ่ง"]
        offset = first["result"][-1]["update_id"] + 1
        empty = (await http.post("getUpdates", json={"offset": offset, "timeout": 0})).json()
        assert empty == {"ok": True, "result": []}
        api.send_text(REPORTER, "สอง")
        later = (await http.post("getUpdates", json={"offset": offset, "timeout": 2})).json()
        assert [u["message"]["text"] for u in later["result"]] == ["สอง"]
