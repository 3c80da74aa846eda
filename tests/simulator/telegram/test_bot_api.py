"""Tests of the simulated Telegram Bot API, driven by python-telegram-bot and raw httpx."""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    ReplyParameters,
    Update,
)
from telegram.error import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from simulator.telegram import FakeBotAPI, HtmlParseError, make_png, parse_html, utf16_len

USER_ID = 5001
OTHER_ID = 5002
GROUP_ID = -1001234567890
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI(flood_limits=None) as fake:
        fake.add_user(USER_ID, "Somchai", "Jaidee", username="somchai")
        fake.add_user(OTHER_ID, "Malee")
        fake.add_group(GROUP_ID, "Phichit duty officers")
        yield fake


@pytest.fixture
async def bot(api: FakeBotAPI) -> AsyncIterator[Bot]:
    async with Bot(api.token, base_url=api.base_url, base_file_url=api.base_file_url) as tg:
        yield tg


@pytest.fixture
async def http(api: FakeBotAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=f"{api.base_url}{api.token}/", timeout=5) as client:
        yield client


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d.title(), callback_data=d) for d in data]])


# --------------------------------------------------------------------- basics
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


# ------------------------------------------------------------------- errors
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


# ------------------------------------------------------------------ updates
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


# --------------------------------------------------------------------- files
async def test_send_photo_get_file_and_download(api: FakeBotAPI, bot: Bot) -> None:
    image = make_png(640, 480)
    sent = await bot.send_photo(USER_ID, image, caption="<i>scene</i>", parse_mode="HTML")
    assert sent.caption == "scene"
    assert [(p.width, p.height) for p in sent.photo] == [(90, 68), (320, 240), (640, 480)]
    assert len({p.file_id for p in sent.photo}) == 3
    upload = api.calls("sendPhoto")[0].files["photo"]
    assert upload.data == image

    file = await bot.get_file(sent.photo[-1].file_id)
    assert file.file_size == len(image)
    assert bytes(await file.download_as_bytearray()) == image
    assert api.file_bytes(sent.photo[0].file_id) == image

    resent = await bot.send_photo(OTHER_ID, sent.photo[-1].file_id)  # by file_id
    assert resent.photo[-1].file_id == sent.photo[-1].file_id
    with pytest.raises(BadRequest, match="Image_process_failed"):
        await bot.send_photo(USER_ID, b"not an image")
    with pytest.raises(BadRequest, match="Wrong file identifier"):
        await bot.send_photo(USER_ID, "no-such-file-id")
    with pytest.raises(BadRequest, match="Invalid file_id"):
        await bot.get_file("no-such-file-id")

    document = await bot.send_document(USER_ID, b"%PDF-1.4 report", filename="report.pdf")
    assert document.document is not None and document.document.file_name == "report.pdf"
    downloaded = await (await bot.get_file(document.document.file_id)).download_as_bytearray()
    assert bytes(downloaded) == b"%PDF-1.4 report"
    async with httpx.AsyncClient() as client:
        missing = await client.get(f"{api.base_file_url}{api.token}/photos/nothing.jpg")
    assert missing.status_code == 404


async def test_user_photo_is_downloadable_by_bot(api: FakeBotAPI, bot: Bot) -> None:
    image = make_png(1200, 900, (10, 120, 10))
    api.send_photo(USER_ID, image, caption="น้ำท่วม")
    api.send_voice(USER_ID, b"OggS voice", duration=4)
    updates = await bot.get_updates(timeout=0)
    photo_message, voice_message = (u.message for u in updates)
    assert photo_message is not None and photo_message.caption == "น้ำท่วม"
    assert photo_message.photo[-1].width == 1200
    data = await (await bot.get_file(photo_message.photo[-1].file_id)).download_as_bytearray()
    assert bytes(data) == image
    assert voice_message is not None and voice_message.voice is not None
    voice = await (await bot.get_file(voice_message.voice.file_id)).download_as_bytearray()
    assert bytes(voice) == b"OggS voice"


async def test_send_media_group(api: FakeBotAPI, bot: Bot) -> None:
    messages = await bot.send_media_group(
        USER_ID,
        [
            InputMediaPhoto(make_png(40, 30), caption="first"),
            InputMediaPhoto(make_png(30, 40)),
        ],
    )
    assert len(messages) == 2
    assert messages[0].media_group_id is not None
    assert messages[0].media_group_id == messages[1].media_group_id
    assert messages[0].caption == "first" and messages[1].caption is None
    assert messages[1].photo[-1].height == 40
    assert messages[1].message_id == messages[0].message_id + 1
    records = api.sent_messages(USER_ID)
    assert [r.kind for r in records] == ["media_group", "media_group"]
    assert records[0].file_id == messages[0].photo[-1].file_id

    with pytest.raises(BadRequest, match="2-10"):
        await bot.send_media_group(USER_ID, [InputMediaPhoto(make_png())])
    with pytest.raises(BadRequest, match="Too many messages to send as an album"):
        await bot.send_media_group(USER_ID, [InputMediaPhoto(make_png())] * 11)


# ------------------------------------------------------------ edits & queries
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


# ---------------------------------------------------------- request formats
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


# --------------------------------------------------------------- rate limits
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


# ------------------------------------------------------------ test helpers
async def test_waits_time_out_with_a_dump(api: FakeBotAPI, bot: Bot) -> None:
    await bot.send_message(USER_ID, "something else")
    with pytest.raises(AssertionError) as caught:
        await api.wait_for_message(USER_ID, lambda m: m.text == "never", timeout=0.05)
    assert "'something else'" in str(caught.value)
    mark = api.mark()
    await bot.send_message(USER_ID, "new")
    assert (await api.wait_for_message(USER_ID, since=mark)).text == "new"
    call = await api.wait_for_call("sendmessage", since=mark)
    assert call.ok and call.result["text"] == "new"
    await api.wait_idle(quiet=0.02, timeout=2)

    api.reset()
    assert api.calls() == [] and api.sent_messages() == []
    assert api.user(USER_ID).first_name == "Somchai"  # users survive reset
    injected = api.inject_update(
        {"message": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}}}
    )
    assert api.pending_updates()[0]["update_id"] == injected.update_id


async def test_restart_keeps_state_and_port(api: FakeBotAPI, bot: Bot) -> None:
    sent = await bot.send_message(USER_ID, "before the outage")
    port = api.port
    api.stop()  # Telegram unreachable
    with pytest.raises(NetworkError):
        await bot.send_message(USER_ID, "during the outage")
    api.start()
    assert api.port == port
    after = await bot.send_message(USER_ID, "after the outage")
    assert after.message_id == sent.message_id + 1
    assert [m.text for m in api.sent_messages(USER_ID)] == ["before the outage", "after the outage"]


async def test_manual_test_endpoints(api: FakeBotAPI, bot: Bot) -> None:
    async with httpx.AsyncClient(base_url=f"{api.url}/_test/", timeout=5) as client:
        user = await client.post("users", json={"user_id": 8001, "first_name": "Curl"})
        assert user.json()["result"]["id"] == 8001
        update = await client.post("send_text", json={"user_id": 8001, "text": "hi"})
        assert update.json()["result"]["message"]["text"] == "hi"
        message = (await bot.get_updates(timeout=0))[0].message
        assert message is not None
        await message.reply_text("hello curl", reply_markup=keyboard("go"))
        sent = (await client.get("sent", params={"chat_id": 8001})).json()["result"]
        assert [m["text"] for m in sent] == ["hello curl"]
        pressed = await client.post(
            "press_button",
            json={"user_id": 8001, "message_id": sent[0]["message_id"], "callback_data": "go"},
        )
        assert pressed.json()["result"]["callback_query_id"]
        assert (await client.get("nothing")).status_code == 404


@pytest.mark.parametrize("module", ["simulator.telegram", "tests.fakes.bot_api"])
def test_command_line_entry_point(module: str) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", module, "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first_line = process.stdout.readline()
        url = first_line.rsplit(" ", 1)[-1].strip()
        assert url.startswith("http://127.0.0.1:")
        answer = httpx.get(f"{url}/bot123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11/getMe")
        assert answer.json()["result"]["is_bot"] is True
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert "RuntimeWarning" not in stderr


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
