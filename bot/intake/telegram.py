"""Telegram updates as inbox rows, and inbox rows handed back to python-telegram-bot."""

from __future__ import annotations

from typing import Any

from telegram import Bot, Update

from incidents.core import Core
from incidents.inbox.store import Arrival
from incidents.inbox.worker import Handler
from incidents.outbox import replies
from storage.models import InboxUpdate

CHANNEL = "telegram"
# The update types the handlers use; Telegram sends no others.
ALLOWED_UPDATES = (Update.MESSAGE, Update.CALLBACK_QUERY)


def lane_of(update: Update) -> str:
    """One person's updates are handled in order; an update with no person, on its own."""
    if update.effective_user is not None:
        return f"tg:user:{update.effective_user.id}"
    if update.effective_chat is not None:
        return f"tg:chat:{update.effective_chat.id}"
    return f"tg:update:{update.update_id}"


def arrival(update: Update, payload: dict[str, Any] | None = None) -> Arrival:
    """The inbox row for an update (its JSON as received, when we have it)."""
    return Arrival(
        channel=CHANNEL,
        external_id=str(update.update_id),
        lane=lane_of(update),
        payload=payload if payload is not None else update.to_dict(),
    )


def handler(process: Any, bot: Bot, core: Core) -> Handler:
    """The inbox handler for Telegram: rebuild the update and let the application run it.

    `process` is Application.process_update; the application's error handler reports failures
    to the inbox scope (handlers/errors.py), so a network error gets the update handled again.
    The replies the handlers make are buffered for exactly this update: each unit of work
    writes the ones made so far with its effects, and what is left goes in one final unit.
    """

    async def handle(row: InboxUpdate) -> None:
        update = Update.de_json(row.payload, bot)
        async with replies.replying(core):
            await process(update)

    return handle
