"""A message a channel refused for its paid allowance (LINE's monthly quota): the same message
on the person's Telegram, saying why; the admins told when there is no other way to them."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from incidents.alerts import recipients
from incidents.outbox import params as outbox_params
from incidents.outbox import queue as outbox
from incidents.roster import people as roster
from incidents.text import alert as t
from incidents.text.rich import Text
from storage.models import AlertRecipient, Channel, Delivery, DeliveryKind, Incident, Person

log = logging.getLogger(__name__)

# What is sent again elsewhere; anything else (a progress edit, a file) has no LINE form.
_RESENT = {DeliveryKind.ALERT, DeliveryKind.MESSAGE, DeliveryKind.REMINDER, DeliveryKind.LOCATION}


async def on_exhausted(
    session: AsyncSession, delivery: Delivery, now: datetime, province_id: int
) -> None:
    """Reach the person of `delivery` on Telegram instead (unless they have the incident there
    already), or tell the admins whom it did not reach."""
    if delivery.channel is Channel.TELEGRAM or delivery.kind not in _RESENT:
        return
    person = await session.get(Person, delivery.person_id) if delivery.person_id else None
    incident = (
        await session.get(
            Incident, delivery.incident_id, options=[selectinload(Incident.attachments)]
        )
        if delivery.incident_id is not None
        else None
    )
    chat = roster.reachable_chat(person)
    if person is None or chat is None:
        log.error("delivery %s: LINE quota used up and no other channel", delivery.id)
        name = f"{person.name} ({person.position})" if person else delivery.address
        reference = incident.reference if incident else None
        text = t.quota_unreached_to_admins(name, reference)
        await recipients.notify_admins(session, province_id, text, now)
        return
    if incident is not None and await _has_on_telegram(session, incident.id, person.id):
        return  # the same news reaches them there already
    log.warning("delivery %s: LINE quota used up; sent on Telegram instead", delivery.id)
    params = outbox_params.read(delivery)
    if delivery.kind is DeliveryKind.ALERT and incident is not None:
        role = await session.scalar(
            select(AlertRecipient.role).where(AlertRecipient.alert_delivery_id == delivery.id)
        )
        intro = (
            Text(t.QUOTA_FALLBACK, "\n", params.intro) if params.intro else Text(t.QUOTA_FALLBACK)
        )
        assert role is not None
        await recipients.alert_chat(session, incident, chat, person.id, role, now, intro=intro)
        return
    if delivery.kind is DeliveryKind.MESSAGE and params.location is None:
        params = params.model_copy(update={"text": Text(t.QUOTA_FALLBACK, "\n", params.text)})
    outbox.enqueue(
        session,
        delivery.kind,
        chat,
        now,
        person_id=person.id,
        incident_id=delivery.incident_id,
        params=params.model_copy(update={"reply_token": ""}),
    )


async def _has_on_telegram(session: AsyncSession, incident_id: int, person_id: int) -> bool:
    found = await session.scalar(
        select(AlertRecipient.id).where(
            AlertRecipient.incident_id == incident_id,
            AlertRecipient.person_id == person_id,
            AlertRecipient.channel == Channel.TELEGRAM,
        )
    )
    return found is not None
