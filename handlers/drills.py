"""/drill for admins: start a drill with buttons (who and for how long), end it, its report."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.runtime import AppContext
from handlers import codec
from handlers.replying import answer, say
from incidents.actions import DrillAction
from incidents.drills import console
from incidents.policy import Refusal
from incidents.text.thread import REFUSALS


async def drill_command(update: Update, context: AppContext) -> None:
    """Show the drill console."""
    screen = await console.show(context.runtime.core, context.require_person())
    await say(update, context, screen.text, buttons=screen.buttons)


async def on_drill_button(update: Update, context: AppContext) -> None:
    """A console button: act, then answer with what the console shows now."""
    query = update.callback_query
    assert query is not None
    action = codec.decode(query.data or "")
    if not isinstance(action, DrillAction):
        await answer(query, REFUSALS[Refusal.NOT_FOUND], show_alert=True)
        return
    screen = await console.press(context.runtime.core, context.require_person(), action)
    await answer(query)
    await say(update, context, screen.text, buttons=screen.buttons)


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add /drill and its buttons (private chats only)."""
    application.add_handler(
        CommandHandler("drill", drill_command, filters=filters.ChatType.PRIVATE)
    )
    application.add_handler(
        CallbackQueryHandler(on_drill_button, pattern=codec.pattern(DrillAction))
    )
