"""Sending the question of a draft's current step (or its review)."""

from __future__ import annotations

from telegram import Bot, ReplyKeyboardMarkup

from bot.reports import service
from bot.reports.view import ReportView
from bot.runtime import Runtime
from bot.texts import report as t
from handlers.report import keyboards
from storage.models import Person, ReportDraft, ReportStep


def prompt_text(draft: ReportDraft, runtime: Runtime) -> str:
    """The text asking for the current step (the review when all is answered)."""
    data = service.data_of(draft)
    if draft.step is ReportStep.REVIEW:
        view = ReportView.of_draft(data, runtime.province, len(draft.attachments))
        return t.review(view, runtime.settings.tz)
    editing = data.next_step() is ReportStep.REVIEW and draft.step is not ReportStep.ATTACHMENTS
    text = t.edit_prompt(draft.step) if editing else t.PROMPTS[draft.step]
    return text + t.FOOTER


async def send_prompt(
    bot: Bot, chat_id: int, draft: ReportDraft, person: Person, runtime: Runtime
) -> None:
    """Ask the question of the draft's current step, with its buttons."""
    data = service.data_of(draft)
    if draft.step is ReportStep.REVIEW:
        markup: keyboards.Markup | None = keyboards.review_keyboard(draft.token, data)
    else:
        own = person.district.code if person.district else None
        markup = keyboards.step_keyboard(draft.step, draft.token, data, runtime.province, own)
    await bot.send_message(chat_id, prompt_text(draft, runtime), reply_markup=markup)


async def restore_menu(bot: Bot, chat_id: int, text: str) -> None:
    """Send a short note that brings back the main keyboard (after the location keyboard)."""
    menu: ReplyKeyboardMarkup = keyboards.main_menu()
    await bot.send_message(chat_id, text, reply_markup=menu)
