"""The one error handler: log with context first, then tell the person in Thai.

A network error (a timeout, a server error, a flood limit) is not the person's concern: the
replies go through the outbox, which retries them, and the update is handled again if it did
not get through. Only a genuine bug is apologised for, at most once per update.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import Application

from bot.runtime import AppContext
from handlers.replying import answer, say
from incidents import text as texts
from incidents.inbox import handling
from incidents.outbox import replies

log = logging.getLogger(__name__)


def is_transient(error: BaseException | None) -> bool:
    """Whether the error is the network's, not ours: it passes if tried again later."""
    # python-telegram-bot counts BadRequest as a NetworkError; a refused request is no outage.
    if isinstance(error, BadRequest):
        return False
    return isinstance(error, NetworkError | RetryAfter)


async def on_error(update: object, context: AppContext) -> None:
    """Log the failure with what it concerned, and apologise to the person for a bug."""
    error = context.error
    if not isinstance(update, Update):
        log.error("error outside an update", exc_info=error)
        return
    user = update.effective_user
    who = context.runtime.pseudonym(user.id) if user else "-"
    kind = "callback" if update.callback_query else "message" if update.message else "other"
    transient = is_transient(error)
    handling.note_failure(type(error).__name__, transient=transient)
    if transient:
        log.warning(
            "network error handling update %s (%s) from %s: %s", update.update_id, kind, who, error
        )
        return
    log.error("error handling update %s (%s) from %s", update.update_id, kind, who, exc_info=error)
    scope = replies.current()
    if scope is not None:
        if scope.error_told:
            return
        scope.error_told = True
    try:
        if update.callback_query is not None:
            await answer(update.callback_query, texts.INTERNAL_ERROR, show_alert=True)
        elif update.effective_chat is not None and update.effective_chat.type == "private":
            await say(update, context, texts.INTERNAL_ERROR)
    except Exception:
        # The database may be what failed: the notice is only a courtesy.
        log.warning("could not tell %s about the error", who, exc_info=True)


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Install the error handler."""
    application.add_error_handler(on_error)
