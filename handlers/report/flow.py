"""The report conversation: start, answer each step, change a field, cancel (confirm: filing.py).

The draft and its step live in the database, not in python-telegram-bot's ConversationHandler:
updates of different people are handled concurrently (the durable inbox, incidents/inbox/,
keeps each person's in order), any process can pick up where another left off, and a restart
loses nothing.
The steps themselves are use cases of the core (incidents/reports/drafting.py).
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.runtime import AppContext
from handlers import codec, fallback
from handlers.replying import answer, ask, drop_buttons, say
from handlers.report import attachments, filing
from handlers.report.incoming import attachment_of
from handlers.report.prompts import announce_new_report, restore_menu
from incidents.actions import CancelReport, Choose, ConfirmReport, EditField, ReplyKeyboard
from incidents.reports import drafting
from incidents.reports.drafting import Answered, LocationNote, Opened
from incidents.text import report as t
from storage.models import Role

log = logging.getLogger(__name__)

_LOCATION_NOTES = {LocationNote.KEPT: t.LOCATION_KEPT, LocationNote.SKIPPED: t.LOCATION_SKIPPED}


async def _reply(update: Update, context: AppContext, answered: Answered) -> None:
    """After commit: an error and the same step again, or the next step."""
    person = context.require_person()
    if answered.expired:
        await say(update, context, t.EXPIRED, keyboard=ReplyKeyboard.MAIN_MENU)
        return
    prompt = answered.prompt
    if prompt is None:
        await fallback.unknown_message(update, context)
        return
    problem = answered.problem
    if problem is not None:
        log.info("report input refused for person#%s: %s", person.id, problem.reason)
        core = context.runtime.core
        text = t.input_error(problem.reason, core.clock.now(), core.rules.tz, **problem.details)
        await say(update, context, text)
    elif answered.opened is not Opened.CONTINUED:
        await announce_new_report(update, context, answered.opened, t.LOCATION_WORD)
    elif answered.location is not None:
        # Also takes the location keyboard away and brings back the report button.
        await restore_menu(update, context, _LOCATION_NOTES[answered.location])
    await ask(update, context, prompt)


async def start_report(update: Update, context: AppContext) -> None:
    """Start a report, or resume the open one, for a person with the reporter role."""
    person = context.require_person()
    started = await drafting.start(context.runtime.core, person)
    if started is None:
        await say(update, context, t.NOT_A_REPORTER)
        return
    if started.opened is Opened.REPLACED:
        await say(update, context, t.EXPIRED)
    if started.opened is Opened.CONTINUED:
        await say(update, context, t.RESUMED)
    log.info("report draft %s for person#%s (%s)", started.draft_id, person.id, started.opened)
    await ask(update, context, started.prompt)


async def cancel(update: Update, context: AppContext) -> None:
    """Cancel the open draft, if there is one."""
    person = context.require_person()
    cancelled = await drafting.cancel(context.runtime.core, person)
    text = t.CANCELLED if cancelled else t.NOTHING_TO_CANCEL
    menu = ReplyKeyboard.MAIN_MENU if person.has_role(Role.REPORTER) else ReplyKeyboard.NONE
    await say(update, context, text, keyboard=menu)


async def on_message(update: Update, context: AppContext) -> None:
    """Route a private message to the open draft's current step."""
    message = update.effective_message
    assert message is not None
    if attachment_of(message) is not None:
        await attachments.receive(update, context)
        return
    person = context.require_person()
    core = context.runtime.core
    if message.location is not None:
        pin = message.location
        answered = await drafting.locate(core, person, pin.latitude, pin.longitude)
    else:
        answered = await drafting.write(core, person, message.text)
    await _reply(update, context, answered)


async def on_button(update: Update, context: AppContext) -> None:
    """Apply a pressed button of the report conversation."""
    query = update.callback_query
    assert query is not None
    action = codec.decode(query.data or "")
    person = context.require_person()
    core = context.runtime.core
    match action:
        case ConfirmReport(token=token):
            await filing.confirm(update, context, token)
            return
        case CancelReport():
            await answer(query)
            await drop_buttons(query.message)
            await cancel(update, context)
            return
        case Choose(token=token, step=step, value=value):
            answered = await drafting.press(core, person, token, step, value)
        case EditField(token=token, step=step):
            answered = await drafting.edit(core, person, token, step)
        case _:
            await answer(query, t.STALE_BUTTON, show_alert=True)
            return
    await drop_buttons(query.message)
    if answered.prompt is None and not answered.expired:
        log.info("button of a closed draft from person#%s", person.id)
        await answer(query, t.STALE_BUTTON, show_alert=True)
        return
    if answered.stale:
        # An old button: say so briefly, then ask the current step again.
        log.info("stale report button from person#%s", person.id)
        await answer(query, t.STALE_BUTTON)
    else:
        await answer(query)
    await _reply(update, context, answered)


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add /report and the report buttons."""
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler("report", start_report, filters=private))
    pattern = codec.pattern(Choose, EditField, ConfirmReport, CancelReport)
    application.add_handler(CallbackQueryHandler(on_button, pattern=pattern))
    # Private messages reach on_message through handlers/router.py.
