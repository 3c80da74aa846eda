"""Sending the question of a draft's current step (or its review)."""

from __future__ import annotations

import logging

from telegram import Bot, Message, ReplyKeyboardMarkup
from telegram.error import BadRequest

from bot.runtime import Runtime
from handlers.report import keyboards
from incidents.reports import service
from incidents.reports.service import Opened
from incidents.reports.view import ReportView
from incidents.text import report as t
from storage.models import Person, ReportDraft, ReportStep

log = logging.getLogger(__name__)


def prompt_text(draft: ReportDraft, runtime: Runtime) -> str:
    """The text asking for the current step (the review when all is answered)."""
    data = service.data_of(draft)
    tz = runtime.settings.tz
    if draft.step is ReportStep.REVIEW:
        view = ReportView.of_draft(data, runtime.province, len(draft.attachments))
        return t.review(view, tz)
    now = runtime.clock.now()
    editing = data.next_step() is ReportStep.REVIEW and draft.step is not ReportStep.ATTACHMENTS
    text = t.edit_prompt(draft.step, now, tz) if editing else t.prompt(draft.step, now, tz)
    if draft.step is ReportStep.ATTACHMENTS and draft.attachments:
        text += t.ATTACHMENTS_KEPT.format(count=len(draft.attachments))
    return text + t.FOOTER


async def send_prompt(
    bot: Bot,
    chat_id: int,
    draft: ReportDraft,
    person: Person,
    runtime: Runtime,
    *,
    note: str | None = None,
) -> None:
    """Ask the question of the draft's current step, with its buttons (after `note`, if any)."""
    data = service.data_of(draft)
    if draft.step is ReportStep.REVIEW:
        markup: keyboards.Markup | None = keyboards.review_keyboard(draft.token, data)
    else:
        own = person.district.code if person.district else None
        markup = keyboards.step_keyboard(draft.step, draft.token, data, runtime.province, own)
    text = prompt_text(draft, runtime)
    if note:
        text = f"{note}\n\n{text}"
    await bot.send_message(chat_id, text, reply_markup=markup)


async def restore_menu(bot: Bot, chat_id: int, text: str) -> None:
    """Send a short note that brings back the main keyboard (after the location keyboard)."""
    menu: ReplyKeyboardMarkup = keyboards.main_menu()
    await bot.send_message(chat_id, text, reply_markup=menu)


async def announce_new_report(message: Message, opened: Opened, what: str) -> None:
    """Say that a new report was started to hold what the reporter sent (`what`)."""
    if opened is Opened.REPLACED:
        await message.reply_text(t.EXPIRED_REPLACED)
    await message.reply_text(
        t.HELD_IN_NEW_REPORT.format(what=what), reply_markup=keyboards.main_menu()
    )


async def drop_buttons(message: object) -> None:
    """Remove the buttons of an answered prompt, so old buttons cannot be pressed again."""
    if isinstance(message, Message) and message.reply_markup is not None:
        try:
            await message.edit_reply_markup(None)
        except BadRequest as exc:
            log.debug("could not remove buttons: %s", exc)
