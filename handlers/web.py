"""/web: a single-use link that signs the person in to the web log."""

from __future__ import annotations

from telegram import Chat, Update
from telegram.ext import Application, CommandHandler

from bot.runtime import AppContext
from incidents.records import signin
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
        await message.reply_text(t.WEB_OFF)
        return
    if message.chat.type != Chat.PRIVATE:
        # A link in a group would let anyone there sign in as this person.
        await message.reply_text(t.WEB_PRIVATE_ONLY)
        return
    async with runtime.db.write() as session:
        issued = await signin.issue_link(session, person, runtime.clock.now())
    until = format_time(issued.expires_at, runtime.settings.tz)
    await message.reply_text(t.login_link(f"{base}/login/{issued.token}", until))


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add /web."""
    application.add_handler(CommandHandler("web", web_link))
