"""Where a private message goes: a pending prompt or thread reply first, then the report draft."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler, MessageHandler, filters

from bot.runtime import AppContext
from handlers import thread
from handlers.replying import say
from handlers.report import flow
from incidents.text import thread as thread_texts
from incidents.text.report import REPORT_BUTTON


async def on_private_message(update: Update, context: AppContext) -> None:
    """Answer a prompt or a thread message, else continue the report draft (or fall back)."""
    if update.effective_message is not None and update.effective_message.text == REPORT_BUTTON:
        await flow.start_report(update, context)
        return
    if await thread.handle_message(update, context):
        return
    await flow.on_message(update, context)


async def on_group_reply(update: Update, context: AppContext) -> None:
    """In a group (the war room), an executive's reply to an alert is an instruction."""
    await thread.handle_reply(update, context)


async def cancel(update: Update, context: AppContext) -> None:
    """Cancel a pending prompt, or else the report being filled in."""
    if await thread.cancel_pending(context):
        await say(update, context, thread_texts.CANCELLED)
        return
    await flow.cancel(update, context)


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add the message routes; they must come after every command and button handler."""
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler("cancel", cancel, filters=private))
    application.add_handler(
        MessageHandler(private & ~filters.COMMAND & ~filters.StatusUpdate.ALL, on_private_message)
    )
    application.add_handler(
        MessageHandler(filters.ChatType.GROUPS & filters.REPLY & filters.TEXT, on_group_reply)
    )
