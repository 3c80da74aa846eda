"""Webhook mode: Telegram posts each update to our HTTPS address; 200 only once it is stored.

The web log serves the path of TELEGRAM_WEBHOOK_URL and passes each request here. A request
without the secret Telegram was given at setWebhook is refused with 403 before anything is
read into the database; a body that is not an update gets 400 (Telegram drops it rather than
retrying for ever); a failure to store gets 503, and Telegram delivers the update again.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Mapping

from telegram import Bot, Update

from bot import retrying
from bot.intake import telegram as tg
from incidents.inbox.intake import Intake

log = logging.getLogger(__name__)

SECRET_HEADER = "x-telegram-bot-api-secret-token"  # noqa: S105 - a header name
# As many connections as Telegram may open at once (its default is 40).
MAX_CONNECTIONS = 40


class WebhookReceiver:
    """Checks, stores and acknowledges one posted update."""

    def __init__(self, bot: Bot, intake: Intake, secret: str) -> None:
        self.bot = bot
        self.intake = intake
        self._secret = secret.encode()
        self.refused = 0

    async def __call__(self, headers: Mapping[str, str], body: bytes) -> int:
        """The HTTP status to answer with."""
        given = headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            self.refused += 1
            log.warning("webhook post without the right secret token refused")
            return 403
        try:
            payload = json.loads(body)
            update = Update.de_json(payload, self.bot) if isinstance(payload, dict) else None
        except (ValueError, TypeError, KeyError) as exc:
            log.warning("webhook post is not an update (%s)", type(exc).__name__)
            return 400
        if update is None or not isinstance(payload.get("update_id"), int):
            log.warning("webhook post is not an update")
            return 400
        try:
            await self.intake.receive([tg.arrival(update, payload)])
        except Exception:
            log.exception("storing webhook update %s failed", update.update_id)
            return 503
        return 200


async def register(bot: Bot, url: str, secret: str) -> None:
    """setWebhook with the secret and the update types used, waiting out network trouble."""
    await retrying.until_reached(
        lambda: bot.set_webhook(
            url=url,
            secret_token=secret,
            allowed_updates=list(tg.ALLOWED_UPDATES),
            max_connections=MAX_CONNECTIONS,
        ),
        "setWebhook",
    )
    log.info("webhook set; Telegram posts updates to the web log")
