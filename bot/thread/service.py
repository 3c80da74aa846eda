"""The conversation after an alert: updates, instructions, requests, status, closing.

Every step is a timeline entry with who and when, and reaches the others through the outbox,
each message a reply under that chat's copy of the alert. Nothing here talks to Telegram.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from html import escape
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.alerts import outbox
from bot.services import audit
from bot.services.audit import Actor
from bot.services.events import EventBus
from bot.texts import thread as t
from storage.models import (
    AlertRecipient,
    AuditAction,
    Delivery,
    DeliveryKind,
    EventKind,
    Incident,
    IncidentStatus,
    InfoRequest,
    Instruction,
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


class Refusal(StrEnum):
    """Why an action was refused (each has a Thai message)."""

    NOT_FOUND = "not_found"
    NOT_ALLOWED = "not_allowed"
    NOT_RECIPIENT = "not_recipient"
    CLOSED = "closed"
    NOT_CLOSED = "not_closed"
    SAME_STATUS = "same_status"


class ThreadError(Exception):
    """An action refused for a reason the person is told."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal


@dataclass(frozen=True, slots=True)
class Access:
    """What a person may do with an incident."""

    incident: Incident
    is_reporter_side: bool  # the incident's agency: may update and close
    is_recipient: bool  # the alert went to them: may instruct, request, close, reopen


def _actor(person: Person) -> Actor:
    return Actor(person_id=person.id, telegram_id=person.telegram_user_id, source="telegram")


class Thread:
    """Thread actions for one deployment."""

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
            self._refused(session, person, incident, action, now)
            # Another agency's incident is not even acknowledged to exist.
            raise ThreadError(
                Refusal.NOT_FOUND if not person.has_role(Role.EXECUTIVE) else Refusal.NOT_RECIPIENT
            )
        return access

    def _refused(
        self, session: AsyncSession, person: Person, incident: Incident, action: str, now: datetime
    ) -> None:
        audit.record(
            session,
            AuditAction.THREAD_ACTION_REFUSED,
            _actor(person),
            now,
            subject_type="incident",
            subject_id=incident.id,
            button=action,
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
            self._refused(session, person, incident, action, now)
            raise ThreadError(refusal)

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
        recipients = (
            await session.scalars(
                select(AlertRecipient).where(AlertRecipient.incident_id == incident.id)
            )
        ).all()
        for recipient in recipients:
            if exclude_person is not None and recipient.person_id == exclude_person:
                continue
            alert = await session.get(Delivery, recipient.alert_delivery_id)
            outbox.enqueue(
                session,
                DeliveryKind.MESSAGE,
                recipient.chat_id,
                now,
                person_id=recipient.person_id,
                incident_id=incident.id,
                reply_to=alert,
                params={"text": text, **(extra or {})},
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

    # ------------------------------------------------------ reporter's side
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
        access = await self.access(session, incident_id, person, "update", now)
        incident = access.incident
        self._require(
            access.is_reporter_side, Refusal.NOT_ALLOWED, session, person, incident, "update", now
        )
        self._require(
            incident.status is not IncidentStatus.CLOSED,
            Refusal.CLOSED,
            session,
            person,
            incident,
            "update",
            now,
        )
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
        recipients = (
            await session.scalars(
                select(AlertRecipient).where(AlertRecipient.incident_id == incident.id)
            )
        ).all()
        for recipient in recipients:
            alert = await session.get(Delivery, recipient.alert_delivery_id)
            if attachment_id is not None:
                outbox.enqueue(
                    session,
                    DeliveryKind.ATTACHMENT,
                    recipient.chat_id,
                    now,
                    person_id=recipient.person_id,
                    incident_id=incident.id,
                    reply_to=alert,
                    params={"attachment_id": attachment_id},
                )
            if location is not None:
                outbox.enqueue(
                    session,
                    DeliveryKind.MESSAGE,
                    recipient.chat_id,
                    now,
                    person_id=recipient.person_id,
                    incident_id=incident.id,
                    reply_to=alert,
                    params={"location": list(location)},
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
        access = await self.access(session, incident_id, person, "status", now, lock=True)
        incident = access.incident
        self._require(
            access.is_reporter_side or access.is_recipient,
            Refusal.NOT_ALLOWED,
            session,
            person,
            incident,
            "status",
            now,
        )
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
            incident.status is not IncidentStatus.CLOSED,
            Refusal.CLOSED,
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

    # ----------------------------------------------------- executives' side
    async def instruct(
        self, session: AsyncSession, incident_id: int, person: Person, text: str, now: datetime
    ) -> Instruction:
        """An instruction to the reporter, shown briefly to the other recipients too."""
        access = await self.access(session, incident_id, person, "instruct", now)
        incident = access.incident
        self._require(
            access.is_recipient, Refusal.NOT_RECIPIENT, session, person, incident, "instruct", now
        )
        self._require(
            incident.status is not IncidentStatus.CLOSED,
            Refusal.CLOSED,
            session,
            person,
            incident,
            "instruct",
            now,
        )
        instruction = Instruction(
            incident_id=incident.id,
            from_person_id=person.id,
            text=text,
            created_at=now,
            remind_at=now + self.instruction_remind_after,
        )
        session.add(instruction)
        await session.flush()
        await self.bus.record(
            session,
            incident.id,
            EventKind.INSTRUCTION,
            now,
            actor_person_id=person.id,
            text=text,
            instruction_id=instruction.id,
        )
        body = t.instruction(incident.reference, person.name, person.position, text)
        await self._to_reporter(
            session,
            incident,
            body,
            now,
            buttons=[[{"label": t.BUTTON_ACK_INSTRUCTION, "data": f"i|{instruction.id}"}]],
        )
        await self._to_recipients(
            session, incident, t.instruction_copy(body), now, exclude_person=person.id
        )
        return instruction

    async def acknowledge_instruction(
        self, session: AsyncSession, instruction_id: int, person: Person, now: datetime
    ) -> Instruction:
        """The reporter's side confirms the instruction; its author hears about it."""
        instruction = await session.get(Instruction, instruction_id)
        if instruction is None:
            raise ThreadError(Refusal.NOT_FOUND)
        access = await self.access(session, instruction.incident_id, person, "instruction_ack", now)
        self._require(
            access.is_reporter_side,
            Refusal.NOT_ALLOWED,
            session,
            person,
            access.incident,
            "instruction_ack",
            now,
        )
        if instruction.acknowledged_at is not None:
            return instruction
        instruction.acknowledged_at = now
        instruction.acknowledged_by_id = person.id
        instruction.remind_at = None
        await self.bus.record(
            session,
            instruction.incident_id,
            EventKind.INSTRUCTION_ACKNOWLEDGED,
            now,
            actor_person_id=person.id,
            instruction_id=instruction.id,
        )
        await self._to_recipients(
            session,
            access.incident,
            t.instruction_acknowledged(access.incident.reference, person.name),
            now,
        )
        return instruction

    async def request_info(
        self, session: AsyncSession, incident_id: int, person: Person, question: str, now: datetime
    ) -> InfoRequest:
        """Ask the reporter for more information."""
        access = await self.access(session, incident_id, person, "info", now)
        incident = access.incident
        self._require(
            access.is_recipient, Refusal.NOT_RECIPIENT, session, person, incident, "info", now
        )
        self._require(
            incident.status is not IncidentStatus.CLOSED,
            Refusal.CLOSED,
            session,
            person,
            incident,
            "info",
            now,
        )
        request = InfoRequest(
            incident_id=incident.id, from_person_id=person.id, question=question, created_at=now
        )
        session.add(request)
        await session.flush()
        await self.bus.record(
            session,
            incident.id,
            EventKind.INFO_REQUESTED,
            now,
            actor_person_id=person.id,
            text=question,
            request_id=request.id,
        )
        await self._to_reporter(
            session,
            incident,
            t.info_requested(incident.reference, person.name, question),
            now,
            buttons=[[{"label": t.BUTTON_ANSWER, "data": f"q|{request.id}"}]],
        )
        return request

    async def answer_info(
        self, session: AsyncSession, request_id: int, person: Person, answer: str, now: datetime
    ) -> InfoRequest:
        """The reporter's answer, threaded to whoever asked and to the others."""
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
        request.answered_at = now
        request.answer = answer
        await self.bus.record(
            session,
            request.incident_id,
            EventKind.INFO_PROVIDED,
            now,
            actor_person_id=person.id,
            text=answer,
            request_id=request.id,
        )
        asker = await session.get_one(Person, request.from_person_id)
        await self._to_recipients(
            session,
            access.incident,
            t.info_answered(
                access.incident.reference, person.name, asker.name, request.question, answer
            ),
            now,
        )
        return request

    # ----------------------------------------------------------- lifecycle
    async def close(
        self, session: AsyncSession, incident_id: int, person: Person, summary: str, now: datetime
    ) -> Incident:
        """Close with a short summary, by the reporter's side or a recipient executive."""
        access = await self.access(session, incident_id, person, "close", now, lock=True)
        incident = access.incident
        self._require(
            access.is_reporter_side or access.is_recipient,
            Refusal.NOT_ALLOWED,
            session,
            person,
            incident,
            "close",
            now,
        )
        self._require(
            incident.status is not IncidentStatus.CLOSED,
            Refusal.CLOSED,
            session,
            person,
            incident,
            "close",
            now,
        )
        before = incident.status
        incident.status = IncidentStatus.CLOSED
        incident.closed_at = now
        incident.closed_by_id = person.id
        incident.close_summary = summary
        incident.next_reminder_at = None
        incident.updated_at = now
        await self.bus.record(
            session,
            incident.id,
            EventKind.CLOSED,
            now,
            actor_person_id=person.id,
            text=summary,
            before=before.value,
        )
        notice = t.closed(incident.reference, person.name, summary)
        await self._to_recipients(
            session,
            incident,
            notice,
            now,
            exclude_person=person.id,
            extra={"buttons": [[{"label": t.BUTTON_REOPEN, "data": f"t|{incident.id}|reopen"}]]},
        )
        if not access.is_reporter_side:
            await self._to_reporter(session, incident, notice, now)
        return incident

    async def reopen(
        self, session: AsyncSession, incident_id: int, person: Person, now: datetime
    ) -> Incident:
        """An executive who had the alert reopens a closed incident."""
        access = await self.access(session, incident_id, person, "reopen", now, lock=True)
        incident = access.incident
        self._require(
            access.is_recipient and person.has_role(Role.EXECUTIVE),
            Refusal.NOT_ALLOWED,
            session,
            person,
            incident,
            "reopen",
            now,
        )
        self._require(
            incident.status is IncidentStatus.CLOSED,
            Refusal.NOT_CLOSED,
            session,
            person,
            incident,
            "reopen",
            now,
        )
        incident.status = IncidentStatus.IN_PROGRESS
        incident.closed_at = None
        incident.closed_by_id = None
        incident.updated_at = now
        await self.bus.record(
            session, incident.id, EventKind.REOPENED, now, actor_person_id=person.id
        )
        notice = t.reopened(incident.reference, person.name)
        await self._to_recipients(session, incident, notice, now, exclude_person=person.id)
        await self._to_reporter(session, incident, notice, now)
        return incident

    # --------------------------------------------------------------- timers
    async def fire_due(self, session: AsyncSession, now: datetime) -> int:
        """Remind the reporter, once, of instructions not acknowledged in time."""
        due = (
            await session.scalars(
                select(Instruction)
                .where(Instruction.remind_at <= now, Instruction.acknowledged_at.is_(None))
                .with_for_update(skip_locked=True)
            )
        ).all()
        for instruction in due:
            instruction.remind_at = None
            incident = await session.get_one(Incident, instruction.incident_id)
            if incident.status is IncidentStatus.CLOSED:
                continue
            await self.bus.record(
                session,
                incident.id,
                EventKind.INSTRUCTION_REMINDED,
                now,
                instruction_id=instruction.id,
            )
            await self._to_reporter(
                session,
                incident,
                t.instruction_reminder(incident.reference, instruction.text),
                now,
                buttons=[[{"label": t.BUTTON_ACK_INSTRUCTION, "data": f"i|{instruction.id}"}]],
            )
        return len(due)

    async def next_due(self, session: AsyncSession) -> datetime | None:
        """When the next instruction reminder is due."""
        return await session.scalar(
            select(Instruction.remind_at)
            .where(Instruction.remind_at.is_not(None), Instruction.acknowledged_at.is_(None))
            .order_by(Instruction.remind_at)
            .limit(1)
        )
