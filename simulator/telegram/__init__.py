"""A simulated Telegram on loopback: the Bot API for the bot, phones for people.

The bot talks to it over HTTP exactly as to ``https://api.telegram.org`` (only the base
URL changes); tests and the sandbox act as the people in the chats and read what the bot
did. Typical use::

    with FakeBotAPI(token=TOKEN) as api:
        officer = api.add_user(1001, "สมชาย")
        app = ApplicationBuilder().token(TOKEN).base_url(api.base_url) \\
            .base_file_url(api.base_file_url).build()
        ...  # start polling
        mark = api.mark()
        api.send_text(officer, "/start")
        reply = await api.wait_for_message(officer.id, since=mark)
        query_id = api.press_button(officer, reply, "confirm")
        await api.wait_for_callback_answer(query_id)
        phone = api.chat_view(officer.id)  # what the officer's phone shows

See README.md for what follows the Bot API documentation and what is simplified.
"""

from simulator.telegram.html import HtmlParseError, parse_html, utf16_len
from simulator.telegram.images import image_size, make_png
from simulator.telegram.models import (
    ApiError,
    Call,
    CallbackAnswer,
    Change,
    Edit,
    FakeUser,
    Injected,
    SentMessage,
    StoredFile,
    UploadedFile,
)
from simulator.telegram.render import entities_to_html
from simulator.telegram.server import FakeBotAPI
from simulator.telegram.state import DEFAULT_TOKEN, FloodLimits
from simulator.telegram.views import Button, ChatView, Popup, Quote, ReplyKeyboard, ViewMessage

__all__ = [
    "DEFAULT_TOKEN",
    "ApiError",
    "Button",
    "Call",
    "CallbackAnswer",
    "Change",
    "ChatView",
    "Edit",
    "FakeBotAPI",
    "FakeUser",
    "FloodLimits",
    "HtmlParseError",
    "Injected",
    "Popup",
    "Quote",
    "ReplyKeyboard",
    "SentMessage",
    "StoredFile",
    "UploadedFile",
    "ViewMessage",
    "entities_to_html",
    "image_size",
    "make_png",
    "parse_html",
    "utf16_len",
]
