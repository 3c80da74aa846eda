"""Answers for anything no other handler took: never silence, never a crash."""

from __future__ import annotations

import logging

from telegram import Chat, Update
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from bot.runtime import AppContext
from handlers.replying import answer, say
from incidents import text as texts
from incidents.actions import ReplyKeyboard
from incidents.reports.parsing import clean_text
from incidents.text import fallback as t
from storage.models import Role

log = logging.getLogger(__name__)


def _opens_with(text: str | None, words: tuple[str, ...]) -> bool:
    """Whether the message opens with one of `words` ("สวัสดีครับ" yes, "history" not "hi")."""
    typed = clean_text(text or "").casefold()
    for word in words:
        rest = typed.removeprefix(word)
        if rest != typed and not (rest[:1].isascii() and rest[:1].isalpha()):
            return True
    return False


async def unknown_message(update: Update, context: AppContext) -> None:
    """Answer a message that fits nothing: greet back, and say what this person can do now."""
    message = update.effective_message
    if message is None or message.chat.type != Chat.PRIVATE:
        return
    person = context.person
    if person is None:
        await say(update, context, texts.PUBLIC_HELP)
        return
    reply = t.unknown_reply(
        person.name,
        person.roles,
        greeted=_opens_with(message.text, t.GREETINGS),
        thanked=_opens_with(message.text, t.THANKS),
    )
    menu = ReplyKeyboard.MAIN_MENU if person.has_role(Role.REPORTER) else ReplyKeyboard.NONE
    await say(update, context, reply, keyboard=menu)


async def stale_button(update: Update, context: AppContext) -> None:
    """Answer a button nobody handles (an old message, or forged data)."""
    query = update.callback_query
    assert query is not None
    log.info("unhandled button from person#%s", context.person.id if context.person else "-")
    await answer(query, texts.STALE_BUTTON, show_alert=True)


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add the catch-alls; they must come after every other handler of group 0."""
    application.add_handler(MessageHandler(filters.ALL, unknown_message))
    application.add_handler(CallbackQueryHandler(stale_button))
