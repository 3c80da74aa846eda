"""The thread after an alert: who may act on an incident, pending input, and fan-out.

Every step is a timeline entry with who and when, and reaches the others through the outbox,
each message a reply under that chat's copy of the alert. Nothing here talks to Telegram.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from incidents import access
from incidents.access import Access, AccessRefused
from incidents.actions import Buttons
from incidents.alerts.recipients import to_recipients
from incidents.events import EventBus
from incidents.outbox import params as outbox_params
from incidents.outbox import queue as outbox
from incidents.outbox.params import DeliveryParams
from incidents.policy import Action, Refusal
from incidents.roster import people as roster
from storage.models import (
    Delivery,
    DeliveryKind,
    Incident,
    IncidentStatus,
    InfoRequest,
    PendingInput,
    PendingInputKind,
    Person,
)

OPEN_STATUSES = frozenset(IncidentStatus) - {IncidentStatus.CLOSED}
REPORTER_STATUSES = (
    IncidentStatus.IN_PROGRESS,
    IncidentStatus.UNDER_CONTROL,
    IncidentStatus.RESOLVED,
)
PENDING_TTL = timedelta(minutes=30)

# What each kind of awaited message will do, for the permission it needs.
INPUT_ACTIONS: dict[PendingInputKind, Action] = {
    PendingInputKind.UPDATE: Action.POST_UPDATE,
    PendingInputKind.INSTRUCTION: Action.INSTRUCT,
    PendingInputKind.INFO_QUESTION: Action.REQUEST_INFO,
    PendingInputKind.INFO_ANSWER: Action.ANSWER_INFO,
    PendingInputKind.CLOSE_SUMMARY: Action.CLOSE,
}

# The thread's refusals are the permission model's (incidents/policy.py).
ThreadError = AccessRefused


class ThreadBase:
    """What every thread action stands on: access checks, pending input and fan-out."""

    def __init__(self, bus: EventBus, instruction_remind_after: timedelta) -> None:
        self.bus = bus
        self.instruction_remind_after = instruction_remind_after

    # ------------------------------------------------------------------ access
    async def authorize(
        self,
        session: AsyncSession,
        incident_id: int,
        person: Person,
        action: Action,
        now: datetime,
        *,
        lock: bool = False,
    ) -> Access:
        """The incident, if the policy lets `person` take `action` on it; otherwise a
        refusal, audited."""
        return await access.authorize(session, incident_id, person, action, now, lock=lock)

    async def open_incidents(self, session: AsyncSession, person: Person) -> Sequence[Incident]:
        """Open incidents the person may see: their agency's, or all for executives/admins."""
        query = select(Incident).where(
            Incident.status != IncidentStatus.CLOSED,
            *access.visible_incidents(person.id, person.agency_id, person.roles),
        )
        return (await session.scalars(query.order_by(Incident.created_at.desc()).limit(30))).all()

    async def delivery_of_message(
        self, session: AsyncSession, chat_id: int, message_id: int
    ) -> Delivery | None:
        """The delivery behind a bot message in this chat (it names the incident), if any."""
        return await session.scalar(
            select(Delivery).where(
                Delivery.chat_id == chat_id, Delivery.telegram_message_id == message_id
            )
        )

    @staticmethod
    def request_in(delivery: Delivery) -> int | None:
        """The request for information a delivered message carried an answer button for."""
        return outbox_params.read(delivery).request_id()

    async def info_request(
        self, session: AsyncSession, request_id: int, person: Person, now: datetime
    ) -> InfoRequest:
        """A request the person may answer (the incident's own agency)."""
        request = await session.get(InfoRequest, request_id)
        if request is None:
            raise access.refused(Refusal.NOT_FOUND, person, 0, Action.ANSWER_INFO, now)
        await self.authorize(session, request.incident_id, person, Action.ANSWER_INFO, now)
        return request

    # ----------------------------------------------------------- pending input
    async def start_input(
        self,
        session: AsyncSession,
        incident_id: int,
        person: Person,
        kind: PendingInputKind,
        now: datetime,
        request_id: int | None = None,
    ) -> Access:
        """Take the person's next message as `kind`, if they may take that action now."""
        allowed = await self.authorize(session, incident_id, person, INPUT_ACTIONS[kind], now)
        await self.expect(session, person, kind, incident_id, now, request_id)
        return allowed

    async def expect(
        self,
        session: AsyncSession,
        person: Person,
        kind: PendingInputKind,
        incident_id: int,
        now: datetime,
        request_id: int | None = None,
    ) -> None:
        """Take the person's next message as `kind` for the incident."""
        pending = await session.get(PendingInput, person.id)
        if pending is None:
            pending = PendingInput(person_id=person.id)
            session.add(pending)
        pending.kind = kind
        pending.incident_id = incident_id
        pending.request_id = request_id
        pending.created_at = now

    async def pending(
        self, session: AsyncSession, person: Person, now: datetime
    ) -> PendingInput | None:
        """What the person's next message answers (expired ones are dropped)."""
        pending = await session.get(PendingInput, person.id)
        if pending is not None and pending.created_at < now - PENDING_TTL:
            await session.delete(pending)
            return None
        return pending

    async def clear(self, session: AsyncSession, person: Person) -> bool:
        """Forget what the person was about to send; True if there was something."""
        pending = await session.get(PendingInput, person.id)
        if pending is not None:
            await session.delete(pending)
        return pending is not None

    # --------------------------------------------------------------- fan-out
    async def _to_recipients(
        self,
        session: AsyncSession,
        incident: Incident,
        text: str,
        now: datetime,
        *,
        exclude_person: int | None = None,
        buttons: Buttons = (),
    ) -> None:
        """A message to every chat the alert went to, as a reply under its copy of the alert."""
        await to_recipients(
            session,
            incident.id,
            DeliveryKind.MESSAGE,
            DeliveryParams(text=text, buttons=buttons),
            now,
            exclude_person=exclude_person,
        )

    async def _to_reporter(
        self,
        session: AsyncSession,
        incident: Incident,
        text: str,
        now: datetime,
        buttons: Buttons = (),
    ) -> None:
        """A message to the reporter, as a reply under their status message for the incident."""
        reporter = await session.get_one(Person, incident.reporter_id)
        chat = roster.reachable_chat(reporter)
        if chat is None:
            return
        progress = await session.scalar(
            select(Delivery).where(
                Delivery.incident_id == incident.id, Delivery.kind == DeliveryKind.PROGRESS
            )
        )
        outbox.enqueue(
            session,
            DeliveryKind.MESSAGE,
            chat,
            now,
            person_id=reporter.id,
            incident_id=incident.id,
            reply_to=progress if progress is not None and progress.chat_id == chat else None,
            params=DeliveryParams(text=text, buttons=buttons),
        )
