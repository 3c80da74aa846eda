"""The executives' side: instructions and requests for information."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.texts import thread as t
from bot.thread.base import (
    Refusal,
    Side,
    ThreadBase,
    ThreadError,
)
from storage.models import (
    EventKind,
    InfoRequest,
    Instruction,
    Person,
)


class ExecutiveActions(ThreadBase):
    """The executives' side: instructions and requests for information."""

    # ----------------------------------------------------- executives' side
    async def instruct(
        self, session: AsyncSession, incident_id: int, person: Person, text: str, now: datetime
    ) -> Instruction:
        """An instruction to the reporter, shown briefly to the other recipients too."""
        access = await self.checked(session, incident_id, person, "instruct", now, Side.RECIPIENT)
        incident = access.incident
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
        access = await self.checked(
            session,
            instruction.incident_id,
            person,
            "instruction_ack",
            now,
            Side.REPORTER,
            open_only=False,
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
        access = await self.checked(session, incident_id, person, "info", now, Side.RECIPIENT)
        incident = access.incident
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
        access = await self.checked(
            session, request.incident_id, person, "info_answer", now, Side.REPORTER, open_only=False
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
