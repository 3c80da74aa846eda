"""Act on each Telegram update once, even when Telegram delivers it again after a restart."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, TypeHandler

from bot.runtime import AppContext
from bot.services import updates

log = logging.getLogger(__name__)

CHECK_GROUP = -2
MARK_GROUP = 100


async def skip_seen(update: Update, context: AppContext) -> None:
    """Stop an update that was already handled."""
    async with context.runtime.db.read() as session:
        if await updates.seen(session, update.update_id):
            log.info("update %s delivered again; already handled", update.update_id)
            raise ApplicationHandlerStop


async def mark_handled(update: Update, context: AppContext) -> None:
    """Remember the update once every handler has run."""
    async with context.runtime.db.write() as session:
        await updates.mark(session, update.update_id, context.runtime.clock.now())


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Check before everything else; mark after everything else."""
    application.add_handler(TypeHandler(Update, skip_seen), group=CHECK_GROUP)
    application.add_handler(TypeHandler(Update, mark_handled), group=MARK_GROUP)
