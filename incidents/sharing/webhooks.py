"""Signed webhooks: each event a subscribing system asked for, queued in the outbox in the
transaction that records it, and sent by the delivery loop (retried with back-off like any
delivery). What an event says is fixed when it happens; every attempt sends the same body.

A body is JSON: `{"id": <delivery id>, "type": "incident.filed", "data": {...}}`. The receiver
drops a repeat by `id` (also in the `X-Incident-Delivery` header): a request answered but whose
answer was lost is sent again. `X-Incident-Signature: t=<unix seconds>,v1=<hex>` is
HMAC-SHA256 with the subscriber's secret over `<t>.<body>`; a receiver recomputes it, compares
in constant time, and refuses a `t` far from its own clock (replays).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.core import Core
from incidents.events import EventBus
from incidents.outbox import queue as outbox
from incidents.outbox.params import DeliveryParams
from incidents.records import cap
from incidents.sharing.redact import redact
from storage.models import (
    Channel,
    DeliveryKind,
    EventKind,
    Incident,
    IncidentEvent,
    Subscriber,
    SubscriberKind,
    WebhookEvent,
)

SIGNATURE_HEADER = "X-Incident-Signature"
DELIVERY_HEADER = "X-Incident-Delivery"
EVENT_HEADER = "X-Incident-Event"

EVENTS: dict[EventKind, WebhookEvent] = {
    EventKind.FILED: WebhookEvent.FILED,
    EventKind.ACKNOWLEDGED: WebhookEvent.ACKNOWLEDGED,
    EventKind.STATUS_CHANGED: WebhookEvent.STATUS_CHANGED,
    EventKind.CLOSED: WebhookEvent.CLOSED,
    EventKind.REOPENED: WebhookEvent.REOPENED,
}


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The `X-Incident-Signature` value of a body sent at `timestamp` (Unix seconds)."""
    signed = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def payload(
    incident: Incident, event: IncidentEvent, tz: tzinfo, province_name: str
) -> dict[str, Any]:
    """What an event tells another system: the incident as the CAP feed shares it (no
    reporter, no contact details, free text masked), and the change."""
    district = incident.district

    def when(value: datetime | None) -> str | None:
        return cap.cap_time(value, tz) if value is not None else None

    return {
        "reference": incident.reference,
        "at": when(event.at),
        "status": (event.data.get("after") if event.kind is EventKind.STATUS_CHANGED else None)
        or incident.status.value,
        "category": incident.category.value,
        "urgency": incident.urgency.value,
        "ddpm_level": incident.ddpm_level,
        "province": province_name,
        "district": {"code": district.code, "name": district.name_th},
        "place": redact(incident.place),
        "latitude": incident.latitude,
        "longitude": incident.longitude,
        "occurred_at": when(incident.occurred_at),
        "filed_at": when(incident.created_at),
        "acknowledged_at": when(incident.acknowledged_at),
        "closed_at": when(incident.closed_at),
        "description": redact(incident.description),
        "agency": incident.agency_name,
        "dead": incident.dead,
        "injured": incident.injured,
        "missing": incident.missing,
        "affected_households": incident.affected_households,
    }


class Webhooks:
    """Queues each recorded event for the webhook subscribers that asked for it."""

    def __init__(self, core: Core) -> None:
        self.core = core

    def subscribe(self, bus: EventBus) -> None:
        """Listen to every event a subscriber may ask for."""
        for kind in EVENTS:
            bus.subscribe(kind, self.on_event)

    async def on_event(self, session: AsyncSession, event: IncidentEvent) -> None:
        """Queue the event for its subscribers, in the transaction that records it; drills
        are never sent."""
        incident = await session.get_one(Incident, event.incident_id)
        if incident.drill_id is not None:
            return
        name = EVENTS[event.kind].value
        found = await session.scalars(
            select(Subscriber).where(
                Subscriber.province_id == incident.province_id,
                Subscriber.kind == SubscriberKind.WEBHOOK,
                Subscriber.revoked_at.is_(None),
            )
        )
        wanted = [subscriber for subscriber in found if name in subscriber.events]
        if not wanted:
            return
        data = payload(incident, event, self.core.rules.tz, self.core.province.name_th)
        params = DeliveryParams(event=name, payload=data)
        for subscriber in wanted:
            outbox.enqueue(
                session,
                DeliveryKind.WEBHOOK,
                0,
                event.at,
                params=params,
                channel=Channel.WEBHOOK,
                address=str(subscriber.id),
                # One incident's events reach a receiver in order; incidents do not wait.
                lane=f"webhook:{subscriber.id}:{incident.id}",
            )
