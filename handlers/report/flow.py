"""The report conversation: start, answer each step, change a field, cancel (confirm: filing.py).

The draft and its step live in the database, not in python-telegram-bot's ConversationHandler:
updates of different people are handled concurrently (bot/update_processor.py keeps each
person's in order), any process can pick up where another left off, and a restart loses nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from telegram import Message, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.runtime import AppContext
from handlers import fallback
from handlers.report import attachments, filing, keyboards
from handlers.report.incoming import attachment_of
from handlers.report.keyboards import ButtonData
from handlers.report.prompts import announce_new_report, drop_buttons, restore_menu, send_prompt
from incidents.provinces import ProvinceData
from incidents.reports import service, steps
from incidents.reports.draft import EDITABLE, DraftData
from incidents.reports.parsing import InputError
from incidents.reports.service import Opened
from incidents.reports.steps import Answer
from incidents.text import report as t
from storage.models import DraftStatus, Person, ReportDraft, ReportStep, Role

log = logging.getLogger(__name__)

Apply = Callable[[ReportDraft, DraftData], Answer]


@dataclass(slots=True)
class Outcome:
    """What an answer did to the open draft, for the replies sent after commit."""

    draft: ReportDraft | None
    error: InputError | None = None
    expired: bool = False
    before: DraftData | None = None  # the answers before this one
    opened: Opened = Opened.CONTINUED


def _ttl(context: AppContext) -> timedelta:
    return timedelta(minutes=context.runtime.settings.draft_ttl_minutes)


async def _apply_to_open_draft(
    context: AppContext, person: Person, apply: Apply, *, start: bool = False
) -> Outcome:
    """Apply an answer to the person's open draft in one unit of work (`start`: to a new
    draft when none is open, for what is worth keeping even before /report)."""
    runtime = context.runtime
    now = runtime.clock.now()
    async with runtime.db.write() as session:
        if start:
            draft, opened = await service.open_or_start(session, person, now, _ttl(context))
        else:
            found = await service.open_draft(session, person.id, for_update=True)
            if found is None:
                return Outcome(None)
            if service.is_stale(found, now, _ttl(context)):
                service.close(found, DraftStatus.EXPIRED, now)
                return Outcome(None, expired=True)
            draft, opened = found, Opened.CONTINUED
        before = service.data_of(draft)
        try:
            answer = apply(draft, before)
        except InputError as exc:
            return Outcome(draft, error=exc, before=before, opened=opened)
        service.save(draft, answer.data, answer.step, now)
        return Outcome(draft, before=before, opened=opened)


def _location_note(before: DraftData, after: DraftData) -> str | None:
    """A word on the location when this answer settled it (kept or skipped)."""
    if not after.location_answered:
        return None
    place = (after.latitude, after.longitude)
    if before.location_answered and (before.latitude, before.longitude) == place:
        return None
    return t.LOCATION_KEPT if after.latitude is not None else t.LOCATION_SKIPPED


async def _reply_outcome(update: Update, context: AppContext, outcome: Outcome) -> None:
    """After commit: an error and the same step again, or the next step."""
    message = update.effective_message
    assert message is not None
    person = context.require_person()
    runtime = context.runtime
    if outcome.expired:
        await message.reply_text(t.EXPIRED, reply_markup=keyboards.main_menu())
        return
    draft = outcome.draft
    if draft is None:
        await fallback.unknown_message(update, context)
        return
    after = service.data_of(draft)
    before = outcome.before or after
    note = None
    if outcome.error is not None:
        log.info("report input refused for person#%s: %s", person.id, outcome.error.reason)
        now, tz = runtime.clock.now(), runtime.settings.tz
        error = outcome.error
        await message.reply_text(t.input_error(error.reason, now, tz, **error.details))
    elif outcome.opened is not Opened.CONTINUED:
        await announce_new_report(message, outcome.opened, t.LOCATION_WORD)
    elif (located := _location_note(before, after)) is not None:
        # Also takes the location keyboard away and brings back the report button.
        await restore_menu(context.bot, message.chat_id, located)
    if outcome.error is None and after.occurred_at and after.occurred_at != before.occurred_at:
        note = t.occurred_note(after.occurred_at, runtime.clock.now(), runtime.settings.tz)
    await send_prompt(context.bot, message.chat_id, draft, person, runtime, note=note)


async def start_report(update: Update, context: AppContext) -> None:
    """Start a report, or resume the open one, for a person with the reporter role."""
    message = update.effective_message
    assert message is not None
    person = context.require_person()
    if not person.has_role(Role.REPORTER):
        await message.reply_text(t.NOT_A_REPORTER)
        return
    runtime = context.runtime
    async with runtime.db.write() as session:
        draft, opened = await service.open_or_start(
            session, person, runtime.clock.now(), _ttl(context)
        )
    if opened is Opened.REPLACED:
        await message.reply_text(t.EXPIRED)
    if opened is Opened.CONTINUED:
        await message.reply_text(t.RESUMED)
    log.info("report draft %s for person#%s (%s)", draft.id, person.id, opened)
    await send_prompt(context.bot, message.chat_id, draft, person, runtime)


async def cancel(update: Update, context: AppContext) -> None:
    """Cancel the open draft, if there is one."""
    message = update.effective_message
    assert message is not None
    person = context.require_person()
    runtime = context.runtime
    async with runtime.db.write() as session:
        draft = await service.open_draft(session, person.id, for_update=True)
        if draft is not None:
            service.close(draft, DraftStatus.CANCELLED, runtime.clock.now())
    text = t.CANCELLED if draft is not None else t.NOTHING_TO_CANCEL
    menu = keyboards.main_menu() if person.has_role(Role.REPORTER) else None
    await message.reply_text(text, reply_markup=menu)


async def on_message(update: Update, context: AppContext) -> None:
    """Route a private message to the open draft's current step."""
    message = update.effective_message
    assert message is not None
    if attachment_of(message) is not None:
        await attachments.receive(update, context)
        return
    person = context.require_person()
    runtime = context.runtime
    now = runtime.clock.now()
    tz = runtime.settings.tz
    province = runtime.province

    def apply(draft: ReportDraft, data: DraftData) -> Answer:
        return _answer_message(message, draft, data, now, tz, province)

    # A pin is worth keeping even before /report: it starts a report that holds it.
    start = message.location is not None and person.has_role(Role.REPORTER)
    outcome = await _apply_to_open_draft(context, person, apply, start=start)
    await _reply_outcome(update, context, outcome)


def _answer_message(
    message: Message,
    draft: ReportDraft,
    data: DraftData,
    now: datetime,
    tz: tzinfo,
    province: ProvinceData,
) -> Answer:
    """Read a text or location message as the answer to the draft's current step."""
    if message.location is not None:
        return steps.locate(
            data, draft.step, message.location.latitude, message.location.longitude, province
        )
    if message.text is None:
        raise InputError("not_text")
    if draft.step is ReportStep.REVIEW:
        raise InputError("use_buttons")
    labels = keyboards.labels_for(draft.step, province)
    return steps.write(data, draft.step, message.text, now, tz, province, labels)


async def on_button(update: Update, context: AppContext) -> None:
    """Apply a pressed button of the report conversation."""
    query = update.callback_query
    assert query is not None
    button = ButtonData.decode(query.data or "")
    if button is None:
        await query.answer(t.STALE_BUTTON, show_alert=True)
        return
    if button.step == "review" and button.value == "confirm":
        await filing.confirm(update, context, button)
        return
    person = context.require_person()
    runtime = context.runtime
    now = runtime.clock.now()
    province = runtime.province

    def apply(draft: ReportDraft, data: DraftData) -> Answer:
        if draft.token != button.token:
            raise InputError("stale_choice")
        if button.step == keyboards.EDIT:
            return _edit(data, draft.step, button.value)
        if button.step != draft.step.value:
            raise InputError("stale_choice")
        return steps.choose(data, draft.step, button.value, now, province)

    if button.step == "review" and button.value == "cancel":
        await query.answer()
        await drop_buttons(query.message)
        await cancel(update, context)
        return
    outcome = await _apply_to_open_draft(context, person, apply)
    await drop_buttons(query.message)
    if outcome.draft is None and not outcome.expired:
        log.info("button of a closed draft from person#%s", person.id)
        await query.answer(t.STALE_BUTTON, show_alert=True)
        return
    if outcome.error is not None and outcome.error.reason == "stale_choice":
        # An old button: say so briefly, then ask the current step again.
        log.info("stale report button from person#%s", person.id)
        await query.answer(t.STALE_BUTTON)
        outcome.error = None
    else:
        await query.answer()
    await _reply_outcome(update, context, outcome)


def _edit(data: DraftData, current: ReportStep, field: str) -> Answer:
    """Go to one field from the review."""
    if current is not ReportStep.REVIEW:
        raise InputError("stale_choice")
    try:
        step = ReportStep(field)
    except ValueError:
        raise InputError("stale_choice") from None
    if step not in EDITABLE or (step is ReportStep.DDPM_LEVEL and not data.applies_ddpm):
        raise InputError("stale_choice")
    if step is ReportStep.ATTACHMENTS:
        data = data.model_copy(update={"attachments_done": False})
    return Answer(data, step)


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add /report and the report buttons."""
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler("report", start_report, filters=private))
    application.add_handler(CallbackQueryHandler(on_button, pattern=r"^r\|"))
    # Private messages reach on_message through handlers/router.py.
