"""How handlers answer people: replies through the outbox, and the few direct Bot API calls.

A reply (incidents/outbox/replies.py) is written with the unit of work of what it reports and
sent by the delivery loop, which retries it on network errors: it arrives, late at worst, and
a failed send never becomes an error notice. What must happen within seconds or on the pressed
message itself stays direct, and its failure is logged, not raised: answering a button press,
taking the buttons off an answered message.
"""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Message, Update
from telegram.error import TelegramError

from bot.runtime import AppContext
from incidents.actions import Buttons, ReplyKeyboard
from incidents.outbox import replies
from incidents.reports.prompting import Prompt
from incidents.text.rich import Text

log = logging.getLogger(__name__)


async def say(
    update: Update,
    context: AppContext,
    text: Text | str,
    *,
    buttons: Buttons = (),
    keyboard: ReplyKeyboard = ReplyKeyboard.NONE,
) -> None:
    """Reply in the chat the update came from, else the person's own (a `str` is catalogue
    HTML)."""
    made = reply_here(update, context, text, buttons=buttons, keyboard=keyboard)
    await replies.send(context.runtime.core, made)


def reply_here(
    update: Update,
    context: AppContext,
    text: Text | str,
    *,
    buttons: Buttons = (),
    keyboard: ReplyKeyboard = ReplyKeyboard.NONE,
) -> replies.Reply:
    """The reply `say` would send, for a use case to write in its own unit of work."""
    chat = update.effective_chat
    person = context.person
    chat_id = chat.id if chat is not None else person.telegram_user_id if person else None
    assert chat_id is not None, "a reply needs a chat"
    person_id = person.id if person is not None and person.telegram_user_id == chat_id else None
    return replies.reply(chat_id, text, buttons=buttons, keyboard=keyboard, person_id=person_id)


async def say_to(
    context: AppContext,
    chat_id: int,
    text: Text | str,
    *,
    buttons: Buttons = (),
    keyboard: ReplyKeyboard = ReplyKeyboard.NONE,
    person_id: int | None = None,
) -> None:
    """Send a message to another chat (an admin's, the person's private one)."""
    await replies.send(
        context.runtime.core,
        replies.reply(chat_id, text, buttons=buttons, keyboard=keyboard, person_id=person_id),
    )


async def ask(update: Update, context: AppContext, prompt: Prompt) -> None:
    """Ask a draft's current step: its question with its buttons, or the location keyboard."""
    if prompt.asks_location:
        await say(update, context, prompt.text, keyboard=ReplyKeyboard.LOCATION)
    else:
        await say(update, context, prompt.text, buttons=prompt.buttons)


async def answer(
    query: CallbackQuery, text: str | None = None, *, show_alert: bool = False
) -> None:
    """Answer a button press (it must be at once, so directly); a failure is only logged."""
    try:
        await query.answer(text, show_alert=show_alert)
    except TelegramError as exc:
        log.warning("could not answer a button press: %s", exc)


async def drop_buttons(message: object) -> None:
    """Remove the buttons of an answered message, so they cannot be pressed again; a failure
    (already gone, or the network) is only logged: the buttons refuse stale presses anyway."""
    if isinstance(message, Message) and message.reply_markup is not None:
        try:
            await message.edit_reply_markup(None)
        except TelegramError as exc:
            log.info("could not remove buttons: %s", exc)
