"""/help and /whoami, adapted to the person's roles."""

from __future__ import annotations

from telegram import Chat, Update
from telegram.ext import Application, CommandHandler

from bot.runtime import AppContext
from handlers.replying import say
from incidents import text as texts
from incidents.roster import profile


async def help_command(update: Update, context: AppContext) -> None:
    """Explain what the person can do and list their commands."""
    person = context.require_person()
    assert update.effective_message is not None
    await say(update, context, profile.help_for(person))


async def whoami(update: Update, context: AppContext) -> None:
    """Show what the roster holds about the person, in their private chat only."""
    person = context.require_person()
    assert update.effective_message is not None
    if update.effective_message.chat.type != Chat.PRIVATE:
        # Name, position and phone are not for everyone in a group to read.
        await say(update, context, texts.PRIVATE_CHAT_ONLY)
        return
    text = profile.whoami(context.runtime.core, person)
    await say(update, context, text)


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add /help and /whoami."""
    application.add_handler(CommandHandler("help", help_command))
    application.add_handler(CommandHandler("whoami", whoami))
