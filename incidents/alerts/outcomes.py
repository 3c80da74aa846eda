"""What a settled delivery means for the alert: the reporter's progress, unreachable people."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from incidents import audit
from incidents.alerts import recipients
from incidents.alerts.acknowledgement import refresh_progress
from incidents.audit import Actor, ActorSource
from incidents.text import alert as t
from storage.models import AuditAction, Delivery, DeliveryKind, DeliveryStatus, Person


async def on_delivered(session: AsyncSession, delivery: Delivery, now: datetime) -> None:
    """After a delivery settled: update the reporter's progress; clear unreachability."""
    if delivery.person_id is not None and delivery.status is DeliveryStatus.SENT:
        person = await session.get(Person, delivery.person_id)
        if person is not None and person.unreachable_since is not None:
            person.unreachable_since = None
    if delivery.kind is DeliveryKind.ALERT and delivery.incident_id is not None:
        await refresh_progress(session, delivery.incident_id, now)


async def on_unreachable(
    session: AsyncSession, delivery: Delivery, reason: str, now: datetime, province_id: int
) -> None:
    """The channel refused the chat for good: mark the person and tell the admins once."""
    person = await session.get(Person, delivery.person_id) if delivery.person_id else None
    if person is not None:
        if person.unreachable_since is not None:
            return
        person.unreachable_since = now
        name = f"{person.name} ({person.position})"
    else:
        name = f"chat {delivery.chat_id}"
    audit.record(
        session,
        AuditAction.RECIPIENT_UNREACHABLE,
        Actor(source=ActorSource.DISPATCHER),
        now,
        subject_type="person" if person else "chat",
        subject_id=person.id if person else delivery.chat_id,
        reason=reason,
    )
    await recipients.notify_admins(
        session,
        province_id,
        t.unreachable_to_admins(name, reason),
        now,
        exclude_chat=delivery.chat_id,
    )
