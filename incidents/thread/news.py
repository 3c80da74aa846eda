"""The reporter's side of the thread: news (text, a file, a location) and status."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from incidents import access
from incidents.alerts.recipients import to_recipients as queue_to_recipients
from incidents.core import Core
from incidents.outbox.params import DeliveryParams
from incidents.policy import Action, Refusal
from incidents.reports.limits import FileLimits, news_files
from incidents.text import thread as t
from incidents.text.rich import Text
from incidents.thread import fanout, inputs
from storage.models import Attachment, DeliveryKind, EventKind, Incident, IncidentStatus, Person

REPORTER_STATUSES = (
    IncidentStatus.IN_PROGRESS,
    IncidentStatus.UNDER_CONTROL,
    IncidentStatus.RESOLVED,
)


async def news_files_kept(core: Core, person: Person, incident_id: int) -> int:
    """How many news files the incident has, if `person` may send news now (else refused)."""
    async with core.unit() as uow:
        await access.authorize(uow.session, incident_id, person, Action.POST_UPDATE, uow.now)
        return await news_files(uow.session, incident_id)


async def post_news(
    core: Core,
    person: Person,
    incident_id: int,
    *,
    text: str = "",
    location: tuple[float, float] | None = None,
    attachment: Attachment | None = None,
    limits: FileLimits | None = None,
) -> int | None:
    """Keep the news file (counted again against `limits`) and send the news to every
    recipient, in one unit of work; the file's id."""
    async with core.unit() as uow:
        attachment_id: int | None = None
        if attachment is not None:
            if limits is not None:
                limits.check(None, await news_files(uow.session, incident_id))
            attachment.incident_id = incident_id
            uow.session.add(attachment)
            await uow.session.flush()
            attachment_id = attachment.id
        await post_update(
            uow.session,
            core,
            incident_id,
            person,
            uow.now,
            text=text,
            attachment_id=attachment_id,
            location=location,
        )
    return attachment_id


async def post_update(
    session: AsyncSession,
    core: Core,
    incident_id: int,
    person: Person,
    now: datetime,
    *,
    text: str = "",
    attachment_id: int | None = None,
    location: tuple[float, float] | None = None,
) -> Incident:
    """The reporter's news (text, a file, or a location) to every recipient."""
    incident = (
        await access.authorize(session, incident_id, person, Action.POST_UPDATE, now)
    ).incident
    await core.events.record(
        session,
        incident.id,
        EventKind.UPDATE,
        now,
        actor_person_id=person.id,
        text=text,
        attachment_id=attachment_id,
        location=list(location) if location else None,
    )
    heading = t.update_heading(incident.reference, person.name)
    body = Text(heading, "\n", text) if text else heading
    await fanout.to_recipients(session, incident, body, now)
    if attachment_id is not None:
        await queue_to_recipients(
            session,
            incident.id,
            DeliveryKind.ATTACHMENT,
            DeliveryParams(attachment_id=attachment_id),
            now,
        )
    if location is not None:
        await queue_to_recipients(
            session, incident.id, DeliveryKind.MESSAGE, DeliveryParams(location=location), now
        )
    incident.updated_at = now
    return incident


async def change_status(
    core: Core, person: Person, incident_id: int, status: IncidentStatus
) -> Incident:
    """Move an open incident to in progress, under control or resolved."""
    async with core.unit() as uow:
        session, now = uow.session, uow.now
        allowed = await access.authorize(
            session, incident_id, person, Action.CHANGE_STATUS, now, lock=True
        )
        incident = allowed.incident
        if status not in REPORTER_STATUSES:
            raise access.refused(
                Refusal.NOT_ALLOWED, person, incident.id, Action.CHANGE_STATUS, now
            )
        if incident.status is status:
            raise access.refused(
                Refusal.SAME_STATUS, person, incident.id, Action.CHANGE_STATUS, now
            )
        previous = incident.status
        incident.status = status
        incident.updated_at = now
        await core.events.record(
            session,
            incident.id,
            EventKind.STATUS_CHANGED,
            now,
            actor_person_id=person.id,
            before=previous.value,
            after=status.value,
        )
        await fanout.to_recipients(
            session, incident, t.status_changed(incident.reference, status, person.name), now
        )
    return incident


async def done(core: Core, person: Person) -> None:
    """The reporter has no more news for now."""
    await inputs.clear(core, person)
