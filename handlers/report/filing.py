"""Confirming a report: file the draft as an incident exactly once, and say so."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.runtime import AppContext
from handlers.report.keyboards import ButtonData
from handlers.report.prompts import drop_buttons, send_prompt
from incidents.reports import service
from incidents.reports.service import FileOutcome
from incidents.reports.view import ReportView
from incidents.text import report as t
from incidents.text import thread as thread_texts

log = logging.getLogger(__name__)


async def confirm(update: Update, context: AppContext, button: ButtonData) -> None:
    """File the draft as an incident, exactly once however often confirm arrives."""
    query = update.callback_query
    assert query is not None
    person = context.require_person()
    runtime = context.runtime
    tz = runtime.settings.tz
    async with runtime.db.write() as session:
        result = await service.file(
            session, person, button.token, runtime.clock.now(), tz, runtime.events
        )
    incident = result.incident
    if result.outcome is FileOutcome.ALREADY_FILED and incident is not None:
        await query.answer(t.ALREADY_FILED.format(reference=incident.reference), show_alert=True)
        return
    if result.outcome is FileOutcome.INCOMPLETE:
        await query.answer(t.INCOMPLETE, show_alert=True)
        await _prompt_open_draft(update, context)
        return
    if result.outcome is not FileOutcome.FILED or incident is None:
        await query.answer(t.STALE_BUTTON, show_alert=True)
        await drop_buttons(query.message)
        return
    log.info("incident %s filed by person#%s", incident.reference, person.id)
    await query.answer()
    await drop_buttons(query.message)
    chat_id = query.message.chat.id if query.message else person.telegram_user_id
    assert chat_id is not None
    # The way to send news later rides on the confirmation (the report keyboard stays).
    news = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    thread_texts.BUTTON_SEND_NEWS, callback_data=f"t|{incident.id}|menu"
                )
            ]
        ]
    )
    await context.bot.send_message(
        chat_id, t.filed(ReportView.of_incident(incident), tz), reply_markup=news
    )


async def _prompt_open_draft(update: Update, context: AppContext) -> None:
    """Ask the open draft's current step again."""
    person = context.require_person()
    chat = update.effective_chat
    assert chat is not None
    async with context.runtime.db.read() as session:
        draft = await service.open_draft(session, person.id)
    if draft is not None:
        await send_prompt(context.bot, chat.id, draft, person, context.runtime)
