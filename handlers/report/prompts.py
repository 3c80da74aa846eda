"""Sending the question of a draft's current step (or its review), and the notes around it."""

from __future__ import annotations

import logging

from telegram import Bot, Message
from telegram.error import BadRequest

from handlers import markup
from handlers.report import keyboards
from incidents.reports.prompting import Prompt
from incidents.reports.service import Opened
from incidents.text import report as t

log = logging.getLogger(__name__)


async def send_prompt(bot: Bot, chat_id: int, prompt: Prompt) -> None:
    """Ask the question of the draft's current step, with its buttons."""
    text = markup.html(prompt.text)
    await bot.send_message(chat_id, text, reply_markup=keyboards.prompt_markup(prompt))


async def restore_menu(bot: Bot, chat_id: int, text: str) -> None:
    """Send a short note that brings back the main keyboard (after the location keyboard)."""
    await bot.send_message(chat_id, text, reply_markup=keyboards.main_menu())


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
