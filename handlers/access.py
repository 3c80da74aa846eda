"""The gate in front of every handler: only active people on the roster get through."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import Chat, Update
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationHandlerStop, TypeHandler

from bot.runtime import AppContext
from bot.services import updates
from incidents import text as texts
from incidents import throttle
from incidents.roster import people as roster
from incidents.roster import strangers
from incidents.text.fitting import shorten
from incidents.thaidate import format_datetime
from storage.models import Role

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
        return "กดปุ่ม"
    message = update.effective_message
    if message is not None and message.text:
        text = message.text.strip()
        return shorten(text, STRANGER_EXCERPT_LIMIT)
    return "ข้อความที่ไม่ใช่ตัวอักษร"


async def gate(update: Update, context: AppContext) -> None:
    """Identify the sender; refuse anyone outside the active roster and stop there."""
    user = update.effective_user
    if user is None:
        raise ApplicationHandlerStop
    runtime = context.runtime
    async with runtime.db.read() as session:
        # An update Telegram delivers again (after a restart, say) was acted on already.
        if await updates.seen(session, update.update_id):
            log.info("update %s delivered again; already handled", update.update_id)
            raise ApplicationHandlerStop
        person = await roster.find_by_telegram_id(session, user.id)
    if person is not None and person.active:
        context.person = person
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
    answer = await runtime.throttle.allow(throttle.STRANGER_ANSWERS, str(user.id))
    log.info(
        "refused %s: not an active roster member%s",
        runtime.pseudonym(user.id),
        "" if answer else " (no longer answered)",
    )

    # The attempt is recorded before the answer, so whoever sees the answer can rely on it.
    now = runtime.clock.now()
    interval = timedelta(minutes=runtime.settings.stranger_notice_interval_minutes)
    async with runtime.db.write() as session:
        admins = await roster.reachable_with_role(session, runtime.province_id, Role.ADMIN)
        notify = await strangers.note_attempt(
            session, user.id, now, interval, admins_to_tell=bool(admins)
        )
    if answer and update.callback_query is not None:
        await update.callback_query.answer(texts.STRANGER_BUTTON_REFUSAL, show_alert=True)
    elif answer and update.effective_message is not None:
        await update.effective_message.reply_text(texts.STRANGER_REFUSAL)
    if not notify:
        return
    notice = texts.admin_stranger_notice(
        user.full_name,
        user.username,
        user.id,
        _describe(update),
        format_datetime(now, runtime.settings.tz),
    )
    for admin in admins:
        assert admin.telegram_user_id is not None
        try:
            await context.bot.send_message(admin.telegram_user_id, notice)
        except TelegramError as exc:
            log.warning("could not tell admin person#%s about a stranger: %s", admin.id, exc)


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Put the gate in front of every other handler."""
    application.add_handler(TypeHandler(Update, gate), group=GATE_GROUP)
