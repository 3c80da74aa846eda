"""The thread after an alert: who may act on an incident, pending input, and fan-out.

Every step is a timeline entry with who and when, and reaches the others through the outbox,
each message a reply under that chat's copy of the alert. Nothing here talks to Telegram.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.alerts import outbox
from bot.alerts.service import to_recipients
from bot.services import audit
from bot.services.audit import Actor
from bot.services.events import EventBus
from storage.models import (
    AlertRecipient,
    AuditAction,
    Delivery,
    DeliveryKind,
    Incident,
    IncidentStatus,
    InfoRequest,
    PendingInput,
    PendingInputKind,
    Person,
    Role,
)

OPEN_STATUSES = frozenset(IncidentStatus) - {IncidentStatus.CLOSED}
REPORTER_STATUSES = (
    IncidentStatus.IN_PROGRESS,
    IncidentStatus.UNDER_CONTROL,
    IncidentStatus.RESOLVED,
)
PENDING_TTL = timedelta(minutes=30)


class Side(StrEnum):
    """Who may take an action: the incident's own agency, the alert's recipients, or either."""

    REPORTER = "reporter"
    RECIPIENT = "recipient"
    EITHER = "either"


class Refusal(StrEnum):
    """Why an action was refused (each has a Thai message)."""

    NOT_FOUND = "not_found"
    NOT_ALLOWED = "not_allowed"
    NOT_RECIPIENT = "not_recipient"
    CLOSED = "closed"
    NOT_CLOSED = "not_closed"
    SAME_STATUS = "same_status"


class ThreadError(audit.Refused):
    """An action refused for a reason the person is told (audited when `audit` is set)."""

    def __init__(self, refusal: Refusal, entry: audit.AuditEntry | None = None) -> None:
        super().__init__(refusal.value, entry)
        self.refusal = refusal


@dataclass(frozen=True, slots=True)
class Access:
    """What a person may do with an incident."""

    incident: Incident
    is_reporter_side: bool  # the incident's agency: may update and close
    is_recipient: bool  # the alert went to them: may instruct, request, close, reopen


def _actor(person: Person) -> Actor:
    return Actor(person_id=person.id, telegram_id=person.telegram_user_id, source="telegram")


class ThreadBase:
    """What every thread action stands on: access checks, pending input and fan-out."""

    def __init__(self, bus: EventBus, instruction_remind_after: timedelta) -> None:
        self.bus = bus
        self.instruction_remind_after = instruction_remind_after

    # ------------------------------------------------------------------ access
    async def access(
        self,
        session: AsyncSession,
        incident_id: int,
        person: Person,
        action: str,
        now: datetime,
        *,
        lock: bool = False,
    ) -> Access:
        """Load the incident for `person`, or refuse (and audit) if they may not see it."""
        query = select(Incident).where(Incident.id == incident_id)
        if lock:
            query = query.with_for_update(of=Incident)
        incident = await session.scalar(query)
        if incident is None:
            raise ThreadError(Refusal.NOT_FOUND)
        reporter_side = person.has_role(Role.REPORTER) and incident.agency_id == person.agency_id
        recipient = await session.scalar(
            select(AlertRecipient.id).where(
                AlertRecipient.incident_id == incident.id, AlertRecipient.person_id == person.id
            )
        )
        access = Access(incident, reporter_side, recipient is not None)
        if not (access.is_reporter_side or access.is_recipient):
            # Another agency's incident is not even acknowledged to exist.
            raise ThreadError(
                Refusal.NOT_FOUND if not person.has_role(Role.EXECUTIVE) else Refusal.NOT_RECIPIENT,
                self._refused(person, incident, action, now),
            )
        return access

    async def checked(
        self,
        session: AsyncSession,
        incident_id: int,
        person: Person,
        action: str,
        now: datetime,
        side: Side,
        *,
        open_only: bool = True,
        lock: bool = False,
    ) -> Access:
        """The incident, if `person` is on the `side` that may take `action` (and, unless told
        otherwise, the incident is still open); otherwise a refusal, audited."""
        access = await self.access(session, incident_id, person, action, now, lock=lock)
        allowed = {
            Side.REPORTER: access.is_reporter_side,
            Side.RECIPIENT: access.is_recipient,
            Side.EITHER: access.is_reporter_side or access.is_recipient,
        }[side]
        refusal = Refusal.NOT_RECIPIENT if side is Side.RECIPIENT else Refusal.NOT_ALLOWED
        self._require(allowed, refusal, session, person, access.incident, action, now)
        if open_only:
            self._require(
                access.incident.status is not IncidentStatus.CLOSED,
                Refusal.CLOSED,
                session,
                person,
                access.incident,
                action,
                now,
            )
        return access

    def _refused(
        self, person: Person, incident: Incident, action: str, now: datetime
    ) -> audit.AuditEntry:
        return audit.AuditEntry(
            AuditAction.THREAD_ACTION_REFUSED,
            _actor(person),
            now,
            subject_type="incident",
            subject_id=incident.id,
            detail={"button": action},
        )

    def _require(
        self,
        ok: bool,
        refusal: Refusal,
        session: AsyncSession,
        person: Person,
        incident: Incident,
        action: str,
        now: datetime,
    ) -> None:
        if not ok:
            raise ThreadError(refusal, self._refused(person, incident, action, now))

    async def open_incidents(self, session: AsyncSession, person: Person) -> Sequence[Incident]:
        """Open incidents the person may see: their agency's, or all for executives/admins."""
        query = select(Incident).where(Incident.status != IncidentStatus.CLOSED)
        if not (person.has_role(Role.EXECUTIVE) or person.has_role(Role.ADMIN)):
            query = query.where(Incident.agency_id == person.agency_id)
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
        for row in delivery.params.get("buttons", []):
            for button in row:
                data = str(button.get("data", ""))
                if data.startswith("q|") and data[2:].isdigit():
                    return int(data[2:])
        return None

    async def info_request(
        self, session: AsyncSession, request_id: int, person: Person, now: datetime
    ) -> InfoRequest:
        """A request the person's side may answer."""
        request = await session.get(InfoRequest, request_id)
        if request is None:
            raise ThreadError(Refusal.NOT_FOUND)
        access = await self.access(session, request.incident_id, person, "info_answer", now)
        self._require(
            access.is_reporter_side,
            Refusal.NOT_ALLOWED,
            session,
            person,
            access.incident,
            "info_answer",
            now,
        )
        return request

    # ----------------------------------------------------------- pending input
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
        extra: dict[str, Any] | None = None,
    ) -> None:
        """A message to every chat the alert went to, as a reply under its copy of the alert."""
        await to_recipients(
            session,
            incident.id,
            DeliveryKind.MESSAGE,
            {"text": text, **(extra or {})},
            now,
            exclude_person=exclude_person,
        )

    async def _to_reporter(
        self,
        session: AsyncSession,
        incident: Incident,
        text: str,
        now: datetime,
        buttons: list[list[dict[str, str]]] | None = None,
    ) -> None:
        """A message to the reporter, as a reply under their status message for the incident."""
        reporter = await session.get_one(Person, incident.reporter_id)
        if reporter.telegram_user_id is None:
            return
        progress = await session.scalar(
            select(Delivery).where(
                Delivery.incident_id == incident.id, Delivery.kind == DeliveryKind.PROGRESS
            )
        )
        params: dict[str, Any] = {"text": text}
        if buttons:
            params["buttons"] = buttons
        outbox.enqueue(
            session,
            DeliveryKind.MESSAGE,
            reporter.telegram_user_id,
            now,
            person_id=reporter.id,
            incident_id=incident.id,
            reply_to=progress,
            params=params,
        )
