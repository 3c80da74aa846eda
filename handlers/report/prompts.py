"""The notes around a draft's prompts (the prompt itself: handlers/replying.ask)."""

from __future__ import annotations

from telegram import Update

from bot.runtime import AppContext
from handlers.replying import say
from incidents.actions import ReplyKeyboard
from incidents.reports.service import Opened
from incidents.text import report as t


async def restore_menu(update: Update, context: AppContext, text: str) -> None:
    """Send a short note that brings back the main keyboard (after the location keyboard)."""
    await say(update, context, text, keyboard=ReplyKeyboard.MAIN_MENU)


async def announce_new_report(
    update: Update, context: AppContext, opened: Opened, what: str
) -> None:
    """Say that a new report was started to hold what the reporter sent (`what`)."""
    if opened is Opened.REPLACED:
        await say(update, context, t.EXPIRED_REPLACED)
    await say(
        update, context, t.HELD_IN_NEW_REPORT.format(what=what), keyboard=ReplyKeyboard.MAIN_MENU
    )
