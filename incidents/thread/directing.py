"""The executives' side: instructions and requests for information."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from incidents import access
from incidents.actions import AcknowledgeInstruction, AnswerRequest, Button, Buttons
from incidents.policy import Action, Refusal
from incidents.text import thread as t
from incidents.thread.base import ThreadBase
from storage.models import (
    EventKind,
    InfoRequest,
    Instruction,
    Person,
)


def acknowledge_buttons(instruction_id: int) -> Buttons:
    """The button the reporter's side confirms an instruction with."""
    action = AcknowledgeInstruction(instruction_id=instruction_id)
    return ((Button(label=t.BUTTON_ACK_INSTRUCTION, action=action),),)


class ExecutiveActions(ThreadBase):
    """The executives' side: instructions and requests for information."""

    # ----------------------------------------------------- executives' side
    async def instruct(
        self, session: AsyncSession, incident_id: int, person: Person, text: str, now: datetime
    ) -> Instruction:
        """An instruction to the reporter, shown briefly to the other recipients too."""
        incident = (
            await self.authorize(session, incident_id, person, Action.INSTRUCT, now)
        ).incident
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
            buttons=acknowledge_buttons(instruction.id),
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
            raise access.refused(Refusal.NOT_FOUND, person, 0, Action.ACKNOWLEDGE_INSTRUCTION, now)
        allowed = await self.authorize(
            session, instruction.incident_id, person, Action.ACKNOWLEDGE_INSTRUCTION, now
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
            allowed.incident,
            t.instruction_acknowledged(allowed.incident.reference, person.name),
            now,
        )
        return instruction

    async def request_info(
        self, session: AsyncSession, incident_id: int, person: Person, question: str, now: datetime
    ) -> InfoRequest:
        """Ask the reporter for more information."""
        incident = (
            await self.authorize(session, incident_id, person, Action.REQUEST_INFO, now)
        ).incident
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
            buttons=(
                (Button(label=t.BUTTON_ANSWER, action=AnswerRequest(request_id=request.id)),),
            ),
        )
        return request

    async def answer_info(
        self, session: AsyncSession, request_id: int, person: Person, answer: str, now: datetime
    ) -> InfoRequest:
        """The reporter's answer, threaded to whoever asked and to the others."""
        request = await self.info_request(session, request_id, person, now)
        incident = (
            await self.authorize(session, request.incident_id, person, Action.ANSWER_INFO, now)
        ).incident
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
            incident,
            t.info_answered(incident.reference, person.name, asker.name, request.question, answer),
            now,
        )
        return request
