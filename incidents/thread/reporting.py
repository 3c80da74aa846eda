"""The reporter's side: news and status."""

from __future__ import annotations

from datetime import datetime
from html import escape

from sqlalchemy.ext.asyncio import AsyncSession

from incidents import access
from incidents.alerts.recipients import to_recipients
from incidents.outbox.params import DeliveryParams
from incidents.policy import Action, Refusal
from incidents.text import thread as t
from incidents.thread.base import REPORTER_STATUSES, ThreadBase
from storage.models import (
    DeliveryKind,
    EventKind,
    Incident,
    IncidentStatus,
    Person,
)


class ReporterActions(ThreadBase):
    """The reporter's side: news and status."""

    # ------------------------------------------------------ reporter's side
    async def may_post_update(
        self, session: AsyncSession, incident_id: int, person: Person, now: datetime
    ) -> None:
        """Refuse (audited) unless `person` may send news about the incident now."""
        await self.authorize(session, incident_id, person, Action.POST_UPDATE, now)

    async def post_update(
        self,
        session: AsyncSession,
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
            await self.authorize(session, incident_id, person, Action.POST_UPDATE, now)
        ).incident
        await self.bus.record(
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
        body = f"{heading}\n{escape(text)}" if text else heading
        await self._to_recipients(session, incident, body, now)
        if attachment_id is not None:
            await to_recipients(
                session,
                incident.id,
                DeliveryKind.ATTACHMENT,
                DeliveryParams(attachment_id=attachment_id),
                now,
            )
        if location is not None:
            await to_recipients(
                session, incident.id, DeliveryKind.MESSAGE, DeliveryParams(location=location), now
            )
        incident.updated_at = now
        return incident

    async def change_status(
        self,
        session: AsyncSession,
        incident_id: int,
        person: Person,
        status: IncidentStatus,
        now: datetime,
    ) -> Incident:
        """Move an open incident to in progress, under control or resolved."""
        incident = (
            await self.authorize(session, incident_id, person, Action.CHANGE_STATUS, now, lock=True)
        ).incident
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
        await self.bus.record(
            session,
            incident.id,
            EventKind.STATUS_CHANGED,
            now,
            actor_person_id=person.id,
            before=previous.value,
            after=status.value,
        )
        await self._to_recipients(
            session, incident, t.status_changed(incident.reference, status, person.name), now
        )
        return incident
