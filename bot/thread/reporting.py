"""The reporter's side: news and status."""

from __future__ import annotations

from datetime import datetime
from html import escape

from sqlalchemy.ext.asyncio import AsyncSession

from bot.alerts.service import to_recipients
from bot.texts import thread as t
from bot.thread.base import (
    REPORTER_STATUSES,
    Refusal,
    Side,
    ThreadBase,
)
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
        await self.checked(session, incident_id, person, "update", now, Side.REPORTER)

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
        access = await self.checked(session, incident_id, person, "update", now, Side.REPORTER)
        incident = access.incident
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
                session, incident.id, DeliveryKind.ATTACHMENT, {"attachment_id": attachment_id}, now
            )
        if location is not None:
            await to_recipients(
                session, incident.id, DeliveryKind.MESSAGE, {"location": list(location)}, now
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
        access = await self.checked(
            session, incident_id, person, "status", now, Side.EITHER, lock=True
        )
        incident = access.incident
        self._require(
            status in REPORTER_STATUSES,
            Refusal.NOT_ALLOWED,
            session,
            person,
            incident,
            "status",
            now,
        )
        self._require(
            incident.status is not status,
            Refusal.SAME_STATUS,
            session,
            person,
            incident,
            "status",
            now,
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
