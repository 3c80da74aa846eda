"""Rate limits on what strangers and unknown addresses may make the system do (the `limits`
library's moving windows, in this process's memory).

They bound work and answers, not what is recorded: refusals beyond a limit are still counted
on their folded audit row (incidents.audit.record_refusal).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter


@dataclass(frozen=True, slots=True)
class Rule:
    """A named limit, e.g. three answers an hour."""

    name: str
    rate: str

    @property
    def item(self) -> RateLimitItem:
        """The limit as the library reads it."""
        return parse(self.rate)


# A stranger gets a polite answer to their first few messages, then silence.
STRANGER_ANSWERS = Rule("stranger-answers", "3/hour")
# Opening or spending sign-in links from one address (a person needs two; an office behind
# one address may have a dozen people signing in at once during an emergency).
SIGN_IN_ATTEMPTS = Rule("sign-in", "30/minute")


class Throttle:
    """The limits of one process."""

    def __init__(self) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    async def allow(self, rule: Rule, key: str) -> bool:
        """Count one attempt by `key`; False once the rule's limit is reached."""
        return await self._limiter.hit(rule.item, rule.name, key)

    async def retry_after(self, rule: Rule, key: str) -> int:
        """Seconds until `key` may try again (at least one)."""
        stats = await self._limiter.get_window_stats(rule.item, rule.name, key)
        return max(1, int(stats.reset_time - time.time()) + 1)
