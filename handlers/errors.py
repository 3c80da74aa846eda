"""The one error handler: log with context first, then tell the person in Thai."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, NetworkError, TelegramError
from telegram.ext import Application

from bot.runtime import AppContext
from incidents import text as texts
from incidents.inbox import handling

log = logging.getLogger(__name__)


async def on_error(update: object, context: AppContext) -> None:
    """Log the failure with what it concerned, and apologise to the person if there is one."""
    if not isinstance(update, Update):
        log.error("error outside an update", exc_info=context.error)
        return
    user = update.effective_user
    who = context.runtime.pseudonym(user.id) if user else "-"
    kind = "callback" if update.callback_query else "message" if update.message else "other"
    # python-telegram-bot counts BadRequest as a NetworkError; a refused request is no outage.
    if isinstance(context.error, NetworkError) and not isinstance(context.error, BadRequest):
        # Our side of the network (or the Bot API) failed: the update is handled again after a
        # pause, so the person sees the answer, not an apology.
        handling.note_failure(type(context.error).__name__, transient=True)
        log.warning(
            "update %s (%s) from %s hit a network error; will be handled again: %s",
            update.update_id,
            kind,
            who,
            context.error,
        )
        return
    handling.note_failure(type(context.error).__name__, transient=False)
    log.error(
        "error handling update %s (%s) from %s", update.update_id, kind, who, exc_info=context.error
    )
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(texts.INTERNAL_ERROR, show_alert=True)
        elif update.effective_chat is not None and update.effective_chat.type == "private":
            await context.bot.send_message(update.effective_chat.id, texts.INTERNAL_ERROR)
    except TelegramError as exc:
        log.warning("could not tell %s about the error: %s", who, exc)


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Install the error handler."""
    application.add_error_handler(on_error)
