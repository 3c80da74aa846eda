"""Sending messages: markup, replies, groups, text limits and HTML."""

from __future__ import annotations

import httpx
import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyParameters,
)
from telegram.error import (
    BadRequest,
    InvalidToken,
)

from simulator.telegram import FakeBotAPI, HtmlParseError, make_png, parse_html, utf16_len
from tests.simulator.telegram.conftest import GROUP_ID, USER_ID, keyboard


async def test_get_me_and_tokens(api: FakeBotAPI, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.username) == (123456, True, "phichit_incident_bot")
    assert api.base_url == f"http://127.0.0.1:{api.port}/bot"
    assert api.base_file_url == f"http://127.0.0.1:{api.port}/file/bot"

    async with httpx.AsyncClient(timeout=5) as client:
        wrong = await client.post(f"{api.base_url}123456:WRONG/getMe")
        assert wrong.status_code == 401
        assert wrong.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
        unknown = await client.post(f"{api.base_url}{api.token}/getNothing")
        assert unknown.status_code == 404
        assert unknown.json()["description"] == "Not Found"
        mixed_case = await client.get(f"{api.base_url}{api.token}/GETME")
        assert mixed_case.json()["result"]["username"] == "phichit_incident_bot"

    with pytest.raises(InvalidToken, match="rejected by the server"):
        async with Bot("123456:WRONG", base_url=api.base_url):
            pass  # initialize() calls getMe, which is refused
    assert api.calls("getnothing")[0].status == 404
    assert all(call.method != "getMe" or call.ok for call in api.calls())  # wrong token: unrecorded


async def test_send_message_round_trip_with_markup_and_reply(
    api: FakeBotAPI, bot: Bot, http: httpx.AsyncClient
) -> None:
    report = api.send_text(USER_ID, "ไฟไหม้ที่ตลาด")
    mark = api.mark()
    sent = await bot.send_message(
        USER_ID,
        "รับแจ้งแล้ว <b>ยืนยัน</b>?",
        parse_mode="HTML",
        reply_markup=keyboard("confirm", "cancel"),
        reply_parameters=ReplyParameters(report.message_id),
    )
    assert sent.text == "รับแจ้งแล้ว ยืนยัน?"
    assert sent.from_user is not None and sent.from_user.id == api.bot_id
    assert sent.reply_to_message is not None
    assert sent.reply_to_message.text == "ไฟไหม้ที่ตลาด"
    assert sent.reply_markup == keyboard("confirm", "cancel")
    assert sent.message_id == report.message_id + 1  # ids increase per chat
    assert sent.entities[0].type == "bold" and sent.entities[0].offset == len("รับแจ้งแล้ว ")

    record = await api.wait_for_message(USER_ID, since=mark)
    assert record.kind == "text"
    assert record.raw_text == "รับแจ้งแล้ว <b>ยืนยัน</b>?"
    assert record.parse_mode == "HTML"
    assert record.reply_to_message_id == report.message_id
    assert record.callback_data == ["confirm", "cancel"]
    assert api.last_message(USER_ID) == record

    legacy = await http.post(
        "sendMessage",
        data={"chat_id": USER_ID, "text": "legacy", "reply_to_message_id": sent.message_id},
    )
    assert legacy.json()["result"]["reply_to_message"]["message_id"] == sent.message_id

    with pytest.raises(BadRequest, match="Message to be replied not found"):
        await bot.send_message(USER_ID, "x", reply_parameters=ReplyParameters(999))
    lenient = await bot.send_message(
        USER_ID, "x", reply_parameters=ReplyParameters(999, allow_sending_without_reply=True)
    )
    assert lenient.reply_to_message is None
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(777, "nobody")
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(USER_ID, "   ")


async def test_group_chat_and_keyboard_validation(api: FakeBotAPI, bot: Bot) -> None:
    sent = await bot.send_message(GROUP_ID, "alert")
    assert sent.chat.type == "supergroup" and sent.chat.title == "Phichit duty officers"
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(USER_ID, "x", reply_markup=keyboard("x" * 65))
    with pytest.raises(BadRequest, match=r"(?i)text buttons are unallowed"):
        await bot.send_message(
            USER_ID, "x", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("plain")]])
        )
    ok = await bot.send_message(USER_ID, "x", reply_markup=keyboard("ก" * 21))  # 63 bytes
    assert ok.reply_markup is not None


async def test_text_length_limit_counts_utf16_after_entities(bot: Bot) -> None:
    assert len((await bot.send_message(USER_ID, "a" * 4096)).text or "") == 4096
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(USER_ID, "a" * 4097)
    emoji = "\U0001f525"  # two UTF-16 code units
    await bot.send_message(USER_ID, emoji * 2048)
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(USER_ID, emoji * 2049)
    tagged = await bot.send_message(USER_ID, f"<b>{'a' * 4096}</b>", parse_mode="HTML")
    assert tagged.text == "a" * 4096
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_photo(USER_ID, make_png(), caption="c" * 1025)


@pytest.mark.parametrize(
    ("html", "detail"),
    [
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("Tom & Jerry", 'Unescaped "&" at byte offset 4'),
        ("a > b", 'Unescaped ">" at byte offset 2'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler"'),
        ('<a href="https://x.org>x</a>', "Unclosed start tag at byte offset 0"),
    ],
)
async def test_broken_html_is_rejected(
    api: FakeBotAPI, bot: Bot, http: httpx.AsyncClient, html: str, detail: str
) -> None:
    raw = await http.post(
        "sendMessage", data={"chat_id": USER_ID, "text": html, "parse_mode": "HTML"}
    )
    assert raw.status_code == 400
    assert raw.json()["description"].startswith(f"Bad Request: can't parse entities: {detail}")
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(USER_ID, html, parse_mode="HTML")
    assert api.sent_messages() == []


async def test_escaped_html_is_accepted(api: FakeBotAPI, bot: Bot) -> None:
    sent = await bot.send_message(
        USER_ID,
        "1 &lt; 2 &amp;&amp; 3 &gt; 2 &quot;ok&quot; &#3585; "
        '<a href="https://e.x/?a=1&amp;b=2">link</a> <tg-spoiler>s</tg-spoiler>',
        parse_mode="HTML",
    )
    assert sent.text == '1 < 2 && 3 > 2 "ok" ก link s'
    assert [(e.type, e.url) for e in sent.entities] == [
        ("text_link", "https://e.x/?a=1&b=2"),
        ("spoiler", None),
    ]
    assert api.last_message(USER_ID) is not None
    # Markdown is passed through unparsed (documented deviation).
    plain = await bot.send_message(USER_ID, "*x*", parse_mode="MarkdownV2")
    assert plain.text == "*x*"


def test_parse_html_entities_in_utf16_units() -> None:
    text, entities = parse_html(
        "\U0001f6a8 <b>ด่วน <i>มาก</i></b>\n"
        '<pre><code class="language-python">x = 1</code></pre>'
        "<blockquote expandable>q</blockquote>"
    )
    assert text == "\U0001f6a8 ด่วน มาก\nx = 1q"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 8},
        {"type": "italic", "offset": 8, "length": 3},
        {"type": "pre", "offset": 12, "length": 5, "language": "python"},
        {"type": "expandable_blockquote", "offset": 17, "length": 1},
    ]
    assert utf16_len(text) == len(text) + 1
    with pytest.raises(HtmlParseError):
        parse_html("a & b")
    assert parse_html("a & b", strict=False) == ("a & b", [])
