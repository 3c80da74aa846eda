"""The buttons under an alert: acknowledge, instruct, request information."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.alerts.render import ALERT_PREFIX
from bot.alerts.service import AckOutcome
from bot.runtime import AppContext
from bot.texts import alert as t
from bot.thaidate import format_time
from handlers import thread
from storage.models import Incident, PendingInputKind

log = logging.getLogger(__name__)

ACTIONS = ("ack", "instruct", "info")


def _parse(data: str) -> tuple[int, str] | None:
    parts = data.split("|")
    if len(parts) != 3 or parts[0] != ALERT_PREFIX or parts[2] not in ACTIONS:
        return None
    if not parts[1].isdigit() or len(parts[1]) > 12:
        return None
    return int(parts[1]), parts[2]


async def on_alert_button(update: Update, context: AppContext) -> None:
    """Acknowledge, or answer the instruct and request buttons, for alert recipients only."""
    query = update.callback_query
    assert query is not None
    person = context.require_person()
    parsed = _parse(query.data or "")
    if parsed is None:
        log.info("malformed alert button from person#%s", person.id)
        await query.answer(t.UNKNOWN_INCIDENT, show_alert=True)
        return
    incident_id, action = parsed
    runtime = context.runtime
    now = runtime.clock.now()
    if action == "ack":
        async with runtime.db.write() as session:
            result = await runtime.alerts.acknowledge(session, incident_id, person, now)
        await query.answer(_ack_answer(result.outcome, result.incident, context), show_alert=True)
        log.info("ack of incident %s by person#%s: %s", incident_id, person.id, result.outcome)
        return
    kind = PendingInputKind.INSTRUCTION if action == "instruct" else PendingInputKind.INFO_QUESTION
    await thread.start_prompt(update, context, incident_id, kind)


def _ack_answer(outcome: AckOutcome, incident: Incident | None, context: AppContext) -> str:
    match outcome:
        case AckOutcome.ACKNOWLEDGED:
            return t.ACK_DONE
        case AckOutcome.ALREADY if incident is not None and incident.acknowledged_at is not None:
            who = incident.acknowledged_by.name if incident.acknowledged_by else "-"
            return t.ACK_ALREADY.format(
                name=who, time=format_time(incident.acknowledged_at, context.runtime.settings.tz)
            )
        case AckOutcome.NOT_RECIPIENT:
            return t.NOT_A_RECIPIENT
        case _:
            return t.UNKNOWN_INCIDENT


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add the alert buttons."""
    application.add_handler(CallbackQueryHandler(on_alert_button, pattern=rf"^{ALERT_PREFIX}\|"))
