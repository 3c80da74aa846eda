"""python-telegram-bot's flood limiter, with every flood-limit answer counted for /metrics."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter

from incidents.observability import metrics

Answer = bool | dict[str, Any] | list[dict[str, Any]]


class CountingRateLimiter(AIORateLimiter):
    """AIORateLimiter whose requests count each 429 the Bot API answers, retried ones too."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Answer]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Answer:
        """Limit the request as AIORateLimiter does, counting its flood-limit answers."""

        async def counted(*call_args: Any, **call_kwargs: Any) -> Answer:
            try:
                return await callback(*call_args, **call_kwargs)
            except RetryAfter:
                metrics.count_flood_limit()
                raise

        return await super().process_request(counted, args, kwargs, endpoint, data, rate_limit_args)
