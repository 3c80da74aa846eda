"""Telegram's flood limits: 429 with retry_after when the bot sends too fast."""

from __future__ import annotations

import math
import time
from collections import deque

from simulator.telegram.models import (
    ApiError,
    JSONDict,
)
from simulator.telegram.state import State, _RateLimits


class Flood(State):
    """Counts sends per chat and overall against :class:`FloodLimits`."""

    def enforce_rate_limits(
        self,
        per_chat_per_second: float = 1,
        global_per_second: float = 30,
        group_per_minute: float = 20,
    ) -> None:
        """Emulate Telegram's flood limits on sending methods (answers 429 when exceeded)."""
        with self._lock:
            self._rate = _RateLimits(per_chat_per_second, global_per_second, group_per_minute)

    def disable_rate_limits(self) -> None:
        with self._lock:
            self._rate = None

    @property
    def rate_limited_count(self) -> int:
        """How many 429 answers the rate-limit emulation gave."""
        with self._lock:
            return self._rate_limited

    def _consume_rate_locked(self, chat: JSONDict, count: int) -> None:
        """Raise 429 if one more send to ``chat`` exceeds the limits, else log ``count``."""
        rate = self._rate
        if rate is None:
            return
        now = time.monotonic()
        chat_log = rate.per_chat.setdefault(int(chat["id"]), deque())
        while chat_log and chat_log[0] <= now - 60:
            chat_log.popleft()
        while rate.overall and rate.overall[0] <= now - 1:
            rate.overall.popleft()
        waits: list[float] = []

        def check(log: deque[float], window: float, limit: float) -> None:
            recent = [t for t in log if t > now - window]
            if len(recent) + 1 > limit:
                # Wait until enough of the recent sends leave the window to free a slot.
                index = min(max(len(recent) - int(limit), 0), len(recent) - 1)
                waits.append(recent[index] + window - now if recent else window)

        check(chat_log, 1.0, rate.per_chat_per_second)
        if chat.get("type") in ("group", "supergroup"):
            check(chat_log, 60.0, rate.group_per_minute)
        check(rate.overall, 1.0, rate.global_per_second)
        if waits:
            self._rate_limited += 1
            retry_after = max(1, math.ceil(max(waits)))
            raise ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)
        chat_log.extend([now] * count)
        rate.overall.extend([now] * count)
