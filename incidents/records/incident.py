"""One incident as its web page shows it: fields, timeline, recipients, files."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.records import related
from incidents.records.filters import Viewer
from incidents.records.related import RelatedRow
from storage.models import (
    AlertRecipient,
    Attachment,
    AttachmentKind,
    Delivery,
    DeliveryStatus,
    EventKind,
    Incident,
    IncidentEvent,
    IncidentStatus,
    Person,
    RecipientRole,
)


async def visible_incident(
    session: AsyncSession, viewer: Viewer, reference: str
) -> Incident | None:
    """The incident with that reference, if it exists and the viewer may see it."""
    return await session.scalar(
        select(Incident).where(Incident.reference == reference, *viewer.visible())
    )


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One entry of an incident's timeline, with what its event carries beside the text."""

    at: datetime
    kind: EventKind
    actor_name: str | None
    text: str
    # The status a status change moved to.
    status: IncidentStatus | None = None
    # The photo or file sent with news, and a shared location (latitude, longitude).
    attachment: Attachment | None = None
    location: tuple[float, float] | None = None
    # The channel the person acted on, when it was recorded ("line", "telegram").
    via: str | None = None
    # The other incident of a link made or undone, when the viewer may see it.
    other_reference: str | None = None


def _status(value: Any) -> IncidentStatus | None:
    return next((s for s in IncidentStatus if s.value == value), None)


def _location(value: Any) -> tuple[float, float] | None:
    if not isinstance(value, list | tuple) or len(value) != 2:
        return None
    latitude, longitude = value
    if not all(isinstance(v, int | float) for v in (latitude, longitude)):
        return None
    return float(latitude), float(longitude)


def timeline_entry(
    event: IncidentEvent,
    actor_name: str | None,
    attachments: dict[int, Attachment],
    visible: set[int] | frozenset[int] = frozenset(),
) -> TimelineEntry:
    """A timeline entry from its event; what the event's data names is looked up (another
    incident named only when it is among the `visible`)."""
    data = event.data or {}
    attachment_id = data.get("attachment_id")
    other = data.get("other_id")
    other_reference = data.get("other_reference") if other in visible else None
    return TimelineEntry(
        at=event.at,
        kind=event.kind,
        actor_name=actor_name,
        text=event.text,
        status=_status(data.get("after")) if event.kind is EventKind.STATUS_CHANGED else None,
        attachment=attachments.get(attachment_id) if isinstance(attachment_id, int) else None,
        location=_location(data.get("location")),
        via=data.get("via") if isinstance(data.get("via"), str) else None,
        other_reference=other_reference if isinstance(other_reference, str) else None,
    )


@dataclass(frozen=True, slots=True)
class RecipientRow:
    """Who the alert went to, when it reached them, and when they acknowledged."""

    name: str
    position: str
    role: RecipientRole
    delivery_status: DeliveryStatus | None
    delivered_at: datetime | None
    acknowledged_at: datetime | None


@dataclass(frozen=True, slots=True)
class Detail:
    """Everything the incident page shows."""

    incident: Incident
    timeline: Sequence[TimelineEntry]
    recipients: Sequence[RecipientRow]
    closed_by_name: str | None
    related: Sequence[RelatedRow] = ()

    @property
    def photos(self) -> list[Attachment]:
        """The incident's photos, in the order they came."""
        return [a for a in self.incident.attachments if a.kind is AttachmentKind.PHOTO]

    @property
    def other_files(self) -> list[Attachment]:
        """Its documents, voice notes, videos and audio files."""
        return [a for a in self.incident.attachments if a.kind is not AttachmentKind.PHOTO]


async def incident_detail(session: AsyncSession, viewer: Viewer, reference: str) -> Detail | None:
    """The incident with its timeline and recipients, or None when not visible."""
    incident = await visible_incident(session, viewer, reference)
    if incident is None:
        return None
    events = (
        await session.execute(
            select(IncidentEvent, Person.name)
            .outerjoin(Person, Person.id == IncidentEvent.actor_person_id)
            .where(IncidentEvent.incident_id == incident.id)
            .order_by(IncidentEvent.at, IncidentEvent.id)
        )
    ).all()
    recipients = (
        await session.execute(
            select(AlertRecipient, Person.name, Person.position, Delivery.status, Delivery.sent_at)
            .outerjoin(Person, Person.id == AlertRecipient.person_id)
            .outerjoin(Delivery, Delivery.id == AlertRecipient.alert_delivery_id)
            .where(AlertRecipient.incident_id == incident.id)
            .order_by(AlertRecipient.id)
        )
    ).all()
    closed_by = None
    if incident.closed_by_id is not None:
        closed_by = await session.scalar(
            select(Person.name).where(Person.id == incident.closed_by_id)
        )
    # The news' files are the incident's own attachments (already loaded with it).
    attachments = {a.id: a for a in incident.attachments}
    named = {e.data.get("other_id") for e, _ in events if e.data and "other_id" in e.data}
    visible = await related.visible_ids(session, viewer, {i for i in named if isinstance(i, int)})
    return Detail(
        incident=incident,
        timeline=[timeline_entry(e, name, attachments, visible) for e, name in events],
        recipients=[
            RecipientRow(name or "", position or "", r.role, status, sent_at, r.acknowledged_at)
            for r, name, position, status, sent_at in recipients
        ],
        closed_by_name=closed_by,
        related=await related.related_rows(session, viewer, incident.id),
    )


async def visible_attachment(
    session: AsyncSession, viewer: Viewer, reference: str, attachment_id: int
) -> Attachment | None:
    """An attachment of an incident the viewer may see; None otherwise."""
    return await session.scalar(
        select(Attachment)
        .join(Incident, Incident.id == Attachment.incident_id)
        .where(
            Attachment.id == attachment_id,
            Incident.reference == reference,
            *viewer.visible(),
        )
    )
