"""/channels: the person chooses which of their bound channels (Telegram, LINE) reach them."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.runtime import AppContext
from handlers import codec
from handlers.replying import answer, say
from incidents.actions import ChooseReach
from incidents.policy import Refusal
from incidents.roster import accounts, reach
from incidents.text.thread import REFUSALS


async def channels_command(update: Update, context: AppContext) -> None:
    """Show the person's channels and, when they have two, the buttons to choose."""
    screen = await reach.show(context.runtime.core, context.require_person().id)
    await say(update, context, screen.text, buttons=screen.buttons)


async def on_reach_button(update: Update, context: AppContext) -> None:
    """A choice: record it, then show the channels as they are now."""
    query = update.callback_query
    assert query is not None
    action = codec.decode(query.data or "")
    if not isinstance(action, ChooseReach):
        await answer(query, REFUSALS[Refusal.NOT_FOUND], show_alert=True)
        return
    person = context.require_person()
    actor = accounts.telegram(query.from_user.id).actor(person.id)
    screen = await reach.choose(context.runtime.core, person.id, action.reach, actor)
    await answer(query)
    await say(update, context, screen.text, buttons=screen.buttons)


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add /channels and its buttons (private chats only)."""
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler("channels", channels_command, filters=private))
    application.add_handler(
        CallbackQueryHandler(on_reach_button, pattern=codec.pattern(ChooseReach))
    )
