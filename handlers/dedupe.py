"""Remember each handled Telegram update, so one delivered again is not acted on twice.

The check itself is in the access gate (handlers/access.py), in the same read as identifying
the sender; the mark comes after every handler has run.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import Application, TypeHandler

from bot.runtime import AppContext
from bot.services import updates

log = logging.getLogger(__name__)

MARK_GROUP = 100


async def mark_handled(update: Update, context: AppContext) -> None:
    """Remember the update once every handler has run."""
    async with context.runtime.db.write() as session:
        await updates.mark(session, update.update_id, context.runtime.clock.now())


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Mark after everything else."""
    application.add_handler(TypeHandler(Update, mark_handled), group=MARK_GROUP)
