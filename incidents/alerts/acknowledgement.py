"""Acknowledgement: the first executive who has the incident stops its reminders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from incidents import access
from incidents.alerts import recipients
from incidents.config import Rules
from incidents.core import Core
from incidents.events import EventBus
from incidents.outbox import queue as outbox
from incidents.outbox.params import DeliveryParams
from incidents.policy import Action
from incidents.roster import people as roster
from incidents.text import alert as t
from storage.models import (
    AlertRecipient,
    Channel,
    Delivery,
    DeliveryKind,
    EventKind,
    Incident,
    IncidentStatus,
    Person,
)


class AckOutcome(StrEnum):
    """What pressing acknowledge did."""

    ACKNOWLEDGED = "acknowledged"
    ALREADY = "already"


@dataclass(frozen=True, slots=True)
class AckResult:
    """The outcome, with the incident."""

    outcome: AckOutcome
    incident: Incident


async def acknowledge_alert(core: Core, person: Person, incident_id: int) -> AckResult:
    """The person presses acknowledge under an alert or a reminder, in a unit of work."""
    async with core.unit() as uow:
        return await acknowledge(uow.session, incident_id, person, uow.now, core.rules, core.events)


async def acknowledge(
    session: AsyncSession,
    incident_id: int,
    person: Person,
    now: datetime,
    rules: Rules,
    bus: EventBus,
) -> AckResult:
    """Record that `person` has the incident; the first acknowledgement stops the timers.

    Refused (AccessRefused, audited) unless the policy lets the person acknowledge.
    """
    allowed = await access.authorize(
        session, incident_id, person, Action.ACKNOWLEDGE, now, lock=True
    )
    incident = allowed.incident
    mine = (
        await session.scalars(
            select(AlertRecipient).where(
                AlertRecipient.incident_id == incident.id, AlertRecipient.person_id == person.id
            )
        )
    ).all()
    assert mine  # the policy lets only recipients acknowledge
    for recipient in mine:  # one fact, whichever channel it was pressed on
        if recipient.acknowledged_at is None:
            recipient.acknowledged_at = now
    if incident.acknowledged_at is not None:
        return AckResult(AckOutcome.ALREADY, incident)

    incident.acknowledged_at = now
    incident.acknowledged_by_id = person.id
    incident.next_reminder_at = None
    if incident.status is IncidentStatus.REPORTED:
        incident.status = IncidentStatus.ACKNOWLEDGED
    incident.updated_at = now
    await bus.record(session, incident.id, EventKind.ACKNOWLEDGED, now, actor_person_id=person.id)
    await refresh_alerts(session, incident.id, now)
    await refresh_progress(session, incident.id, now)
    text = t.reporter_acknowledged(incident.reference, person.name, person.position, now, rules.tz)
    # A channel that cannot edit its copy of the alert gets a short notice instead.
    await recipients.to_recipients(
        session,
        incident.id,
        DeliveryKind.MESSAGE,
        DeliveryParams(text=text),
        now,
        skip_war_room=True,
        exclude_person=person.id,
        channels={Channel.LINE},
    )
    reporter_chat = roster.reachable_chat(incident.reporter)
    if reporter_chat is not None:
        outbox.enqueue(
            session,
            DeliveryKind.MESSAGE,
            reporter_chat,
            now,
            person_id=incident.reporter_id,
            incident_id=incident.id,
            params=DeliveryParams(text=text),
        )
    await session.refresh(incident, ["acknowledged_by"])
    return AckResult(AckOutcome.ACKNOWLEDGED, incident)


async def refresh_alerts(session: AsyncSession, incident_id: int, now: datetime) -> None:
    """Re-render every copy of the alert that can be edited (they show who acknowledged)."""
    rows = await session.scalars(
        select(AlertRecipient).where(AlertRecipient.incident_id == incident_id)
    )
    for recipient in rows:
        if recipient.alert_delivery_id is not None and recipient.channel is Channel.TELEGRAM:
            await outbox.enqueue_once(
                session,
                f"alert-edit:{recipient.alert_delivery_id}",
                DeliveryKind.ALERT_EDIT,
                recipient.chat_id,
                now,
                incident_id=incident_id,
                edit_of_id=recipient.alert_delivery_id,
            )


async def refresh_progress(session: AsyncSession, incident_id: int, now: datetime) -> None:
    """Re-render the reporter's status message."""
    progress = await session.scalar(
        select(Delivery).where(
            Delivery.incident_id == incident_id, Delivery.kind == DeliveryKind.PROGRESS
        )
    )
    if progress is not None:
        await outbox.enqueue_once(
            session,
            f"progress-edit:{incident_id}",
            DeliveryKind.PROGRESS_EDIT,
            progress.chat_id,
            now,
            incident_id=incident_id,
            edit_of_id=progress.id,
        )
