"""/web: a single-use link that signs the person in to the web log."""

from __future__ import annotations

from telegram import Chat, Update
from telegram.ext import Application, CommandHandler

from bot.runtime import AppContext
from handlers.replying import say
from incidents.records import sessions
from incidents.text import web as t
from incidents.thaidate import format_time


async def web_link(update: Update, context: AppContext) -> None:
    """Send a sign-in link valid once for ten minutes (only in the person's private chat)."""
    person = context.require_person()
    message = update.effective_message
    assert message is not None
    runtime = context.runtime
    base = runtime.web_base_url
    if not base:
        await say(update, context, t.WEB_OFF)
        return
    if message.chat.type != Chat.PRIVATE:
        # A link in a group would let anyone there sign in as this person.
        await say(update, context, t.WEB_PRIVATE_ONLY)
        return
    core = runtime.core
    issued = await sessions.sign_in_link(core, person.id, base)
    until = format_time(issued.expires_at, core.rules.tz)
    await say(update, context, t.login_link(issued.url, until))


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add /web."""
    application.add_handler(CommandHandler("web", web_link))
