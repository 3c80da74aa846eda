"""Answers for anything no other handler took: never silence, never a crash."""

from __future__ import annotations

import logging

from telegram import Chat, Update
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from bot import texts
from bot.runtime import AppContext

log = logging.getLogger(__name__)


async def unknown_message(update: Update, context: AppContext) -> None:
    """Point a person at the menu when their message fits nothing."""
    message = update.effective_message
    if message is None or message.chat.type != Chat.PRIVATE:
        return
    await message.reply_text(texts.UNKNOWN_INPUT)


async def stale_button(update: Update, context: AppContext) -> None:
    """Answer a button nobody handles (an old message, or forged data)."""
    query = update.callback_query
    assert query is not None
    log.info("unhandled button from person#%s", context.person.id if context.person else "-")
    await query.answer(texts.STALE_BUTTON, show_alert=True)


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add the catch-alls; they must come after every other handler of group 0."""
    application.add_handler(MessageHandler(filters.ALL, unknown_message))
    application.add_handler(CallbackQueryHandler(stale_button))
