"""The month's LINE message quota, read through the SDK into a channel-neutral value, and the
watch that reads it every hour: the last reading as gauges, the admins told at 80 % (once a
calendar month, incidents/alerts/quota.py)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
from linebot.v3.messaging import AsyncApiClient, AsyncMessagingApi, Configuration
from linebot.v3.messaging.exceptions import ApiException

from incidents.alerts import quota as quota_notice
from incidents.core import Core
from incidents.observability import metrics

log = logging.getLogger(__name__)

INTERVAL_S = 3600.0
# The two reads are small; a dead host is given up on well before the next round.
REQUEST_TIMEOUT_S = 20.0


@dataclass(frozen=True, slots=True)
class Quota:
    """How much of the month's paid messages is used: `limit` None means no target limit."""

    limit: int | None
    used: int

    @property
    def fraction(self) -> float | None:
        """Used over the limit (1.0 and more: used up); None without a limit."""
        if self.limit is None:
            return None
        if self.limit <= 0:
            return 1.0
        return self.used / self.limit


async def read_quota(api: AsyncMessagingApi, *, timeout_s: float | None = None) -> Quota:
    """The target limit (`/v2/bot/message/quota`) and this month's usage (`.../consumption`);
    the SDK's ApiException and network errors reach the caller."""
    quota = await api.get_message_quota(_request_timeout=timeout_s)
    consumption = await api.get_message_quota_consumption(_request_timeout=timeout_s)
    limit = int(quota.value) if quota.type == "limited" and quota.value is not None else None
    return Quota(limit=limit, used=int(consumption.total_usage or 0))


class QuotaWatch:
    """Reads the quota every `interval_s` seconds; a failed read is logged and tried again at
    the next round, never fatal."""

    def __init__(self, core: Core, api: AsyncMessagingApi, *, interval_s: float = INTERVAL_S):
        self.core = core
        self.api = api
        self.interval_s = interval_s
        self.last: Quota | None = None
        self.rounds = 0  # rounds finished, failed ones included

    async def check(self) -> Quota | None:
        """One round: read, export, tell the admins if due; the reading, None when it failed."""
        try:
            reading = await read_quota(self.api, timeout_s=REQUEST_TIMEOUT_S)
        except ApiException as exc:
            # Status and reason only: the SDK's text of the error carries the whole answer.
            self._failed(f"LINE answered {exc.status} {exc.reason}")
            return None
        except (aiohttp.ClientError, TimeoutError) as exc:
            self._failed(f"network: {type(exc).__name__}")
            return None
        self.last = reading
        metrics.line_quota_read(reading.limit, reading.used)
        if await quota_notice.warn_if_low(self.core, limit=reading.limit, used=reading.used):
            log.info("LINE message quota %d of %s used: admins told", reading.used, reading.limit)
        return reading

    def _failed(self, reason: str) -> None:
        log.warning(
            "reading the LINE message quota failed (%s); trying again in %.0f s",
            reason,
            self.interval_s,
        )

    async def run(self) -> None:
        """Check now and then every interval until cancelled."""
        while True:
            try:
                await self.check()
            except asyncio.CancelledError:
                raise
            except Exception:
                # The database, say: the next round tries again.
                log.exception("LINE quota round failed")
            self.rounds += 1
            await asyncio.sleep(self.interval_s)


@contextlib.asynccontextmanager
async def watching(
    core: Core, access_token: str, host: str, *, interval_s: float = INTERVAL_S
) -> AsyncIterator[QuotaWatch]:
    """Keep a quota watch running, over a client of its own, for the duration of the block."""
    async with AsyncApiClient(Configuration(host=host, access_token=access_token)) as client:
        watch = QuotaWatch(core, AsyncMessagingApi(client), interval_s=interval_s)
        task = asyncio.create_task(watch.run(), name="line-quota-watch")
        try:
            yield watch
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
