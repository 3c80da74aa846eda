"""Bot API calls made at start-up (getMe, deleteWebhook, setWebhook), retried until the Bot
API is reachable.

A network failure or a timeout is waited out with a doubling pause up to a cap; a flood limit
is waited out as long as Telegram asks. Anything else (a refused token, a bad request) will not
pass by being repeated, so it is raised to the caller at once. The loop ends when the caller is
cancelled: the callers run it under `bot.link.unless_stopped` or in a task cancelled at stop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram.error import BadRequest, NetworkError, RetryAfter

from bot.logs import redact

log = logging.getLogger(__name__)
T = TypeVar("T")

FIRST_PAUSE_S = 1.0
MAX_PAUSE_S = 30.0


def seconds(value: object) -> float:
    """A `retry_after` in seconds, whether the library gave an int or a timedelta."""
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)  # type: ignore[arg-type]


def is_outage(error: BaseException) -> bool:
    """Whether the error is the network's (it passes if tried again), not a refusal."""
    # python-telegram-bot counts BadRequest as a NetworkError; a refused request is no outage.
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest)


async def until_reached(
    call: Callable[[], Awaitable[T]],
    what: str,
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> T:
    """Await `call()` until it succeeds, waiting out outages and flood limits; `what` names
    the call in the log."""
    pause, attempt = FIRST_PAUSE_S, 1
    while True:
        try:
            return await call()
        except RetryAfter as exc:
            wait = seconds(exc.retry_after)
            log.warning(
                "%s hit the flood limit (attempt %d); retrying in %.0f s", what, attempt, wait
            )
        except NetworkError as exc:
            if not is_outage(exc):
                raise
            wait, pause = pause, min(pause * 2, MAX_PAUSE_S)
            # The library's message names no URL, but redact anyway: the token is in the URL.
            # The wording operators watch for (docs/operations.md), the call named last.
            log.warning(
                "Bot API not reachable (attempt %d: %s: %s); retrying in %.0f s (%s)",
                attempt,
                type(exc).__name__,
                redact(str(exc)),
                wait,
                what,
            )
        await sleep(wait)
        attempt += 1
