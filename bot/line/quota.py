"""The month's LINE message quota, read through the SDK into a channel-neutral value."""

from __future__ import annotations

from dataclasses import dataclass

from linebot.v3.messaging import AsyncMessagingApi


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


async def read_quota(api: AsyncMessagingApi) -> Quota:
    """The target limit (`/v2/bot/message/quota`) and this month's usage (`.../consumption`);
    the SDK's ApiException and network errors reach the caller."""
    quota = await api.get_message_quota()
    consumption = await api.get_message_quota_consumption()
    limit = int(quota.value) if quota.type == "limited" and quota.value is not None else None
    return Quota(limit=limit, used=int(consumption.total_usage or 0))
