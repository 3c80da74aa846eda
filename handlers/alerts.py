"""The buttons under an alert: acknowledge, instruct, request information, link a related
incident."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.runtime import AppContext
from handlers import codec, thread
from handlers.replying import answer
from incidents.access import AccessRefused
from incidents.actions import AlertAction, AlertVerb, LinkIncidents
from incidents.alerts import acknowledgement
from incidents.alerts.acknowledgement import AckOutcome, AckResult
from incidents.policy import Refusal
from incidents.related import linking
from incidents.text import alert as t
from incidents.text import related as related_text
from incidents.text.thread import REFUSALS
from incidents.thaidate import format_time
from storage.models import PendingInputKind

log = logging.getLogger(__name__)


async def on_alert_button(update: Update, context: AppContext) -> None:
    """Acknowledge, or answer the instruct and request buttons, for alert recipients only."""
    query = update.callback_query
    assert query is not None
    person = context.require_person()
    action = codec.decode(query.data or "")
    if not isinstance(action, AlertAction):
        log.info("malformed alert button from person#%s", person.id)
        await answer(query, REFUSALS[Refusal.NOT_FOUND], show_alert=True)
        return
    incident_id = action.incident_id
    runtime = context.runtime
    if action.verb is AlertVerb.ACKNOWLEDGE:
        try:
            result = await acknowledgement.acknowledge_alert(runtime.core, person, incident_id)
        except AccessRefused as refusal:
            log.info("ack of incident %s by person#%s refused: %s", incident_id, person.id, refusal)
            await answer(query, REFUSALS[refusal.refusal], show_alert=True)
            return
        await answer(query, _ack_answer(result, context), show_alert=True)
        log.info("ack of incident %s by person#%s: %s", incident_id, person.id, result.outcome)
        return
    kind = (
        PendingInputKind.INSTRUCTION
        if action.verb is AlertVerb.INSTRUCT
        else PendingInputKind.INFO_QUESTION
    )
    await thread.start_prompt(update, context, incident_id, kind)


async def on_link_button(update: Update, context: AppContext) -> None:
    """Link the alert's incident with a related one it named (executives and admins)."""
    query = update.callback_query
    assert query is not None
    person = context.require_person()
    action = codec.decode(query.data or "")
    if not isinstance(action, LinkIncidents):
        log.info("malformed link button from person#%s", person.id)
        await answer(query, REFUSALS[Refusal.NOT_FOUND], show_alert=True)
        return
    try:
        result = await linking.link(
            context.runtime.core, person, action.incident_id, action.other_id
        )
    except AccessRefused as refusal:
        log.info(
            "link of incidents %s and %s by person#%s refused: %s",
            action.incident_id,
            action.other_id,
            person.id,
            refusal,
        )
        await answer(query, REFUSALS[refusal.refusal], show_alert=True)
        return
    log.info(
        "link of incidents %s and %s by person#%s: %s",
        action.incident_id,
        action.other_id,
        person.id,
        result.outcome,
    )
    tz = context.runtime.settings.tz
    await answer(query, related_text.outcome(result, tz), show_alert=True)


def _ack_answer(result: AckResult, context: AppContext) -> str:
    incident = result.incident
    if result.outcome is AckOutcome.ACKNOWLEDGED or incident.acknowledged_at is None:
        return t.ACK_DONE
    who = incident.acknowledged_by.name if incident.acknowledged_by else "-"
    return t.ACK_ALREADY.format(
        name=who, time=format_time(incident.acknowledged_at, context.runtime.settings.tz)
    )


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add the alert buttons."""
    application.add_handler(
        CallbackQueryHandler(on_alert_button, pattern=codec.pattern(AlertAction))
    )
    application.add_handler(
        CallbackQueryHandler(on_link_button, pattern=codec.pattern(LinkIncidents))
    )
