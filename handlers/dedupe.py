"""Remember each handled Telegram update, so one delivered again is not acted on twice.

The check itself is in the access gate (handlers/access.py), in the same read as identifying
the sender; the mark comes after every handler has run.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import Application, TypeHandler

from bot.runtime import AppContext
from incidents import updates

log = logging.getLogger(__name__)

MARK_GROUP = 100


async def mark_handled(update: Update, context: AppContext) -> None:
    """Remember the update once every handler has run."""
    await updates.mark_handled(context.runtime.core, update.update_id)


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Mark after everything else."""
    application.add_handler(TypeHandler(Update, mark_handled), group=MARK_GROUP)
