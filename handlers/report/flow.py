"""The report conversation: start, answer each step, change a field, cancel, confirm.

The draft and its step live in the database, not in python-telegram-bot's ConversationHandler:
updates of different people are handled concurrently (bot/update_processor.py keeps each
person's in order), any process can pick up where another left off, and a restart loses nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.provinces import ProvinceData
from bot.reports import service, steps
from bot.reports.draft import EDITABLE, DraftData
from bot.reports.parsing import InputError
from bot.reports.service import FileOutcome
from bot.reports.steps import Answer
from bot.reports.view import ReportView
from bot.runtime import AppContext
from bot.texts import report as t
from bot.texts import thread as thread_texts
from handlers import fallback
from handlers.report import attachments, keyboards
from handlers.report.keyboards import ButtonData
from handlers.report.prompts import restore_menu, send_prompt
from storage.models import DraftStatus, Person, ReportDraft, ReportStep, Role

log = logging.getLogger(__name__)

Apply = Callable[[ReportDraft, DraftData], Answer]


@dataclass(slots=True)
class Outcome:
    """What an answer did to the open draft, for the replies sent after commit."""

    draft: ReportDraft | None
    error: InputError | None = None
    expired: bool = False
    previous: ReportStep | None = None


def _ttl(context: AppContext) -> timedelta:
    return timedelta(minutes=context.runtime.settings.draft_ttl_minutes)


async def _apply_to_open_draft(context: AppContext, person: Person, apply: Apply) -> Outcome:
    """Apply an answer to the person's open draft in one unit of work."""
    runtime = context.runtime
    now = runtime.clock.now()
    async with runtime.db.write() as session:
        draft = await service.open_draft(session, person.id, for_update=True)
        if draft is None:
            return Outcome(None)
        if draft.updated_at < now - _ttl(context):
            service.close(draft, DraftStatus.EXPIRED, now)
            return Outcome(None, expired=True)
        previous = draft.step
        try:
            answer = apply(draft, service.data_of(draft))
        except InputError as exc:
            return Outcome(draft, error=exc, previous=previous)
        service.save(draft, answer.data, answer.step, now)
        return Outcome(draft, previous=previous)


async def _reply_outcome(update: Update, context: AppContext, outcome: Outcome) -> None:
    """After commit: an error and the same step again, or the next step."""
    message = update.effective_message
    assert message is not None
    person = context.require_person()
    if outcome.expired:
        await message.reply_text(t.EXPIRED, reply_markup=keyboards.main_menu())
        return
    if outcome.draft is None:
        await fallback.unknown_message(update, context)
        return
    if outcome.error is not None:
        log.info("report input refused for person#%s: %s", person.id, outcome.error.reason)
        await message.reply_text(t.input_error(outcome.error.reason, **outcome.error.details))
    elif outcome.previous is ReportStep.LOCATION and outcome.draft.step is not ReportStep.LOCATION:
        await restore_menu(context.bot, message.chat_id, "✔")
    await send_prompt(context.bot, message.chat_id, outcome.draft, person, context.runtime)


async def start_report(update: Update, context: AppContext) -> None:
    """Start a report, or resume the open one, for a person with the reporter role."""
    message = update.effective_message
    assert message is not None
    person = context.require_person()
    if not person.has_role(Role.REPORTER):
        await message.reply_text(t.NOT_A_REPORTER)
        return
    runtime = context.runtime
    now = runtime.clock.now()
    expired = False
    async with runtime.db.write() as session:
        existing = await service.open_draft(session, person.id, for_update=True)
        if existing is not None and existing.updated_at < now - _ttl(context):
            service.close(existing, DraftStatus.EXPIRED, now)
            await session.flush()
            expired = True
        draft, resumed = await service.start(session, person, now)
    if expired:
        await message.reply_text(t.EXPIRED)
    if resumed:
        await message.reply_text(t.RESUMED)
    log.info("report draft %s for person#%s (resumed=%s)", draft.id, person.id, resumed)
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
    if attachments.attachment_of(message) is not None:
        await attachments.receive(update, context)
        return
    person = context.require_person()
    runtime = context.runtime
    now = runtime.clock.now()
    tz = runtime.settings.tz
    province = runtime.province

    def apply(draft: ReportDraft, data: DraftData) -> Answer:
        return _answer_message(message, draft, data, now, tz, province)

    outcome = await _apply_to_open_draft(context, person, apply)
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
        await confirm(update, context, button)
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
        await _drop_buttons(query.message)
        await cancel(update, context)
        return
    outcome = await _apply_to_open_draft(context, person, apply)
    await _drop_buttons(query.message)
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


async def _drop_buttons(message: object) -> None:
    """Remove the buttons of an answered prompt, so old buttons cannot be pressed again."""
    if isinstance(message, Message) and message.reply_markup is not None:
        try:
            await message.edit_reply_markup(None)
        except BadRequest as exc:
            log.debug("could not remove buttons: %s", exc)


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
        await _drop_buttons(query.message)
        return
    log.info("incident %s filed by person#%s", incident.reference, person.id)
    await query.answer()
    await _drop_buttons(query.message)
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


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add /report and the report buttons."""
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler("report", start_report, filters=private))
    application.add_handler(CallbackQueryHandler(on_button, pattern=r"^r\|"))
    # Private messages reach on_message through handlers/router.py.
