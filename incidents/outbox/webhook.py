"""A webhook delivery made ready to send: the event for its subscriber, or nothing once the
subscriber is revoked (what was queued for it is then skipped)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from incidents.outbox import params as outbox_params
from storage.models import Delivery, Subscriber

# A receiver that keeps failing (5xx, timeouts, 429) is tried with back-off for this long after
# the event, then the event is given up and the admins are told (once a day per receiver while
# it keeps failing): an event days old is of no use to a dashboard, and the queue must not grow
# without end behind a receiver that was switched off without a word.
GIVE_UP_AFTER = timedelta(days=3)


@dataclass(frozen=True, slots=True)
class WebhookCall:
    """An event as a subscribing system is sent it: where, the secret it is signed with, the
    event's name and the JSON body (the same bytes on every attempt)."""

    url: str
    secret: str
    event: str
    body: bytes


def body_of(delivery: Delivery) -> bytes:
    """The JSON a delivery sends: its id (the receiver drops repeats by it), event and data."""
    params = outbox_params.read(delivery)
    document = {"id": delivery.retry_key, "type": params.event, "data": params.payload}
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


async def webhook_call(session: AsyncSession, delivery: Delivery) -> WebhookCall | None:
    """The delivery's event for its subscriber; None once the subscriber is revoked."""
    subscriber = await session.get(Subscriber, int(delivery.address))
    if subscriber is None or subscriber.revoked_at is not None or not subscriber.url:
        return None
    event = outbox_params.read(delivery).event
    return WebhookCall(subscriber.url, subscriber.secret or "", event, body_of(delivery))
