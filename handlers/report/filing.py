"""Confirming a report: file the draft as an incident exactly once, and say so."""

from __future__ import annotations

import logging

from telegram import Update

from bot.runtime import AppContext
from handlers.replying import answer, ask, drop_buttons, reply_here
from incidents.actions import Button, ThreadAction, ThreadVerb
from incidents.outbox import replies
from incidents.reports import drafting
from incidents.reports import filing as reports
from incidents.reports.filing import Filed, FileOutcome
from incidents.text import report as t
from incidents.text import thread as thread_texts

log = logging.getLogger(__name__)


async def confirm(update: Update, context: AppContext, token: str) -> None:
    """File the draft as an incident, exactly once however often confirm arrives."""
    query = update.callback_query
    assert query is not None
    person = context.require_person()
    core = context.runtime.core

    def confirmation(filed: Filed) -> list[replies.Reply]:
        assert filed.view is not None and filed.incident_id is not None
        # The way to send news later rides on the confirmation (the report keyboard stays).
        news = ThreadAction(incident_id=filed.incident_id, verb=ThreadVerb.MENU)
        buttons = ((Button(label=thread_texts.BUTTON_SEND_NEWS, action=news),),)
        return [reply_here(update, context, t.filed(filed.view, core.rules.tz), buttons=buttons)]

    filed = await reports.confirm(core, person, token, tell=confirmation)
    if filed.outcome is FileOutcome.ALREADY_FILED and filed.incident_id is not None:
        await answer(query, t.ALREADY_FILED.format(reference=filed.reference), show_alert=True)
        return
    if filed.outcome is FileOutcome.INCOMPLETE:
        await answer(query, t.INCOMPLETE, show_alert=True)
        await _prompt_open_draft(update, context)
        return
    if filed.outcome is not FileOutcome.FILED or filed.view is None:
        await answer(query, t.STALE_BUTTON, show_alert=True)
        await drop_buttons(query.message)
        return
    log.info("incident %s filed by person#%s", filed.reference, person.id)
    # The filed confirmation was written with the filing itself (sent once it committed).
    await answer(query)
    await drop_buttons(query.message)


async def _prompt_open_draft(update: Update, context: AppContext) -> None:
    """Ask the open draft's current step again."""
    prompt = await drafting.current(context.runtime.core, context.require_person())
    if prompt is not None:
        await ask(update, context, prompt)
