"""Long polling into the inbox: the offset moves past an update only once it is committed.

python-telegram-bot's Updater confirms an update (asks for the next offset) before its handlers
run, so a kill between the two loses it. Here each batch is committed to the inbox first; the
next getUpdates, with the higher offset, is what tells Telegram it arrived.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TelegramError

from bot import retrying
from bot.intake import telegram as tg
from incidents.inbox.intake import Intake

log = logging.getLogger(__name__)

POLL_TIMEOUT_S = 25  # as long as Telegram holds a poll open with nothing to say
MAX_PAUSE_S = 30.0


class Poller:
    """getUpdates → inbox, until cancelled."""

    def __init__(self, bot: Bot, intake: Intake, *, timeout: int = POLL_TIMEOUT_S) -> None:
        self.bot = bot
        self.intake = intake
        self.timeout = timeout
        self.offset: int | None = None
        self.polls = 0

    async def run(self) -> None:
        """Poll for ever; network and server trouble is waited out, a refused token is fatal."""
        await self._delete_webhook()
        pause = 1.0
        while True:
            try:
                await self.poll_once()
                pause = 1.0
            except RetryAfter as exc:
                await asyncio.sleep(retrying.seconds(exc.retry_after))
            except InvalidToken:
                raise
            except Conflict as exc:
                # Another process polls with this token, or a webhook is set.
                log.warning("getUpdates conflict (%s); retrying in %.0f s", exc, pause)
                await asyncio.sleep(pause)
                pause = min(pause * 2, MAX_PAUSE_S)
            except (NetworkError, TelegramError, OSError) as exc:
                log.warning("getUpdates failed (%s); retrying in %.0f s", exc, pause)
                await asyncio.sleep(pause)
                pause = min(pause * 2, MAX_PAUSE_S)
            except Exception:
                # The inbox could not take the batch (the database): the offset did not move,
                # so Telegram hands the same updates again.
                log.exception("storing updates failed; retrying in %.0f s", pause)
                await asyncio.sleep(pause)
                pause = min(pause * 2, MAX_PAUSE_S)

    async def poll_once(self) -> int:
        """One long poll; commit what came before asking for more. Returns how many came."""
        updates = await self.bot.get_updates(
            offset=self.offset, timeout=self.timeout, allowed_updates=list(tg.ALLOWED_UPDATES)
        )
        self.polls += 1
        if not updates:
            return 0
        await self.intake.receive([tg.arrival(update) for update in updates])
        self.offset = max(update.update_id for update in updates) + 1
        return len(updates)

    async def _delete_webhook(self) -> None:
        """Back to polling: a webhook set earlier would make every getUpdates fail."""
        await retrying.until_reached(
            lambda: self.bot.delete_webhook(drop_pending_updates=False), "deleteWebhook"
        )
