"""The gate in front of every handler: only active people on the roster get through."""

from __future__ import annotations

import logging

from telegram import Chat, Update
from telegram.ext import Application, ApplicationHandlerStop, TypeHandler

from bot.runtime import AppContext
from handlers.replying import answer, say, say_to
from incidents import text as texts
from incidents.roster import gate as roster
from incidents.roster.gate import Sender
from incidents.text.fitting import shorten
from incidents.thaidate import format_datetime

log = logging.getLogger(__name__)

GATE_GROUP = -1
# How much of a stranger's message the admins' notice quotes.
STRANGER_EXCERPT_LIMIT = 61


def _is_join_attempt(update: Update) -> bool:
    message = update.message
    return bool(
        message
        and message.text
        and message.chat.type == Chat.PRIVATE
        and message.text.split(maxsplit=1)[0].split("@")[0] == "/start"
        and len(message.text.split()) > 1
    )


def _describe(update: Update) -> str:
    if update.callback_query is not None:
        return texts.STRANGER_PRESSED_A_BUTTON
    message = update.effective_message
    if message is not None and message.text:
        text = message.text.strip()
        return shorten(text, STRANGER_EXCERPT_LIMIT)
    return texts.STRANGER_SENT_NO_TEXT


async def gate(update: Update, context: AppContext) -> None:
    """Identify the sender; refuse anyone outside the active roster and stop there."""
    user = update.effective_user
    if user is None:
        raise ApplicationHandlerStop
    seen = await roster.identify(context.runtime.core, user.id)
    if seen.sender is Sender.MEMBER:
        context.person = seen.person
        return
    if _is_join_attempt(update):
        return
    chat = update.effective_chat
    if chat is not None and chat.type != Chat.PRIVATE and update.callback_query is None:
        # Other members of a group the bot is in are not ours to answer.
        raise ApplicationHandlerStop
    await refuse_stranger(update, context)
    raise ApplicationHandlerStop


async def refuse_stranger(update: Update, context: AppContext) -> None:
    """Refuse politely (the first few times), audit the attempt, and tell admins at most once
    per interval."""
    user = update.effective_user
    assert user is not None
    runtime = context.runtime
    noted = await roster.note_stranger(runtime.core, user.id)
    log.info(
        "refused %s: not an active roster member%s",
        runtime.pseudonym(user.id),
        "" if noted.answer else " (no longer answered)",
    )
    if noted.answer and update.callback_query is not None:
        await answer(update.callback_query, texts.STRANGER_BUTTON_REFUSAL, show_alert=True)
    elif noted.answer and update.effective_chat is not None:
        await say(update, context, texts.STRANGER_REFUSAL)
    if not noted.admins:
        return
    notice = texts.admin_stranger_notice(
        user.full_name,
        user.username,
        user.id,
        _describe(update),
        format_datetime(noted.at, runtime.core.rules.tz),
    )
    for admin in noted.admins:
        await say_to(context, admin.chat_id, notice, person_id=admin.person_id)


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Put the gate in front of every other handler."""
    application.add_handler(TypeHandler(Update, gate), group=GATE_GROUP)
