"""The executives' side of the thread: instructions and requests for information, and the
reporter's side answering them.

Each is typed in answer to a prompt, so each also ends the person's pending input.
"""

from __future__ import annotations

from incidents import access
from incidents.actions import AcknowledgeInstruction, AnswerRequest, Button, Buttons
from incidents.core import Core
from incidents.policy import Action, Refusal
from incidents.text import thread as t
from incidents.thread import fanout, inputs
from storage.models import EventKind, InfoRequest, Instruction, Person


def acknowledge_buttons(instruction_id: int) -> Buttons:
    """The button the reporter's side confirms an instruction with."""
    action = AcknowledgeInstruction(instruction_id=instruction_id)
    return ((Button(label=t.BUTTON_ACK_INSTRUCTION, action=action),),)


async def instruct(core: Core, person: Person, incident_id: int, text: str) -> Instruction:
    """An instruction to the reporter, shown briefly to the other recipients too."""
    async with core.unit() as uow:
        session, now = uow.session, uow.now
        incident = (
            await access.authorize(session, incident_id, person, Action.INSTRUCT, now)
        ).incident
        instruction = Instruction(
            incident_id=incident.id,
            from_person_id=person.id,
            text=text,
            created_at=now,
            remind_at=now + core.rules.instruction_remind_after,
        )
        session.add(instruction)
        await session.flush()
        await core.events.record(
            session,
            incident.id,
            EventKind.INSTRUCTION,
            now,
            actor_person_id=person.id,
            text=text,
            instruction_id=instruction.id,
        )
        body = t.instruction(incident.reference, person.name, person.position, text)
        await fanout.to_reporter(
            session, incident, body, now, buttons=acknowledge_buttons(instruction.id)
        )
        await fanout.to_recipients(
            session, incident, t.instruction_copy(body), now, exclude_person=person.id
        )
        await inputs.forget(session, person)
    return instruction


async def acknowledge_instruction(core: Core, person: Person, instruction_id: int) -> Instruction:
    """The reporter's side confirms the instruction; its author hears about it."""
    async with core.unit() as uow:
        session, now = uow.session, uow.now
        instruction = await session.get(Instruction, instruction_id)
        if instruction is None:
            raise access.refused(Refusal.NOT_FOUND, person, 0, Action.ACKNOWLEDGE_INSTRUCTION, now)
        allowed = await access.authorize(
            session, instruction.incident_id, person, Action.ACKNOWLEDGE_INSTRUCTION, now
        )
        if instruction.acknowledged_at is not None:
            return instruction
        instruction.acknowledged_at = now
        instruction.acknowledged_by_id = person.id
        instruction.remind_at = None
        await core.events.record(
            session,
            instruction.incident_id,
            EventKind.INSTRUCTION_ACKNOWLEDGED,
            now,
            actor_person_id=person.id,
            instruction_id=instruction.id,
        )
        await fanout.to_recipients(
            session,
            allowed.incident,
            t.instruction_acknowledged(allowed.incident.reference, person.name),
            now,
        )
    return instruction


async def request_info(core: Core, person: Person, incident_id: int, question: str) -> InfoRequest:
    """Ask the reporter for more information (an empty question asks for anything more)."""
    async with core.unit() as uow:
        session, now = uow.session, uow.now
        incident = (
            await access.authorize(session, incident_id, person, Action.REQUEST_INFO, now)
        ).incident
        request = InfoRequest(
            incident_id=incident.id, from_person_id=person.id, question=question, created_at=now
        )
        session.add(request)
        await session.flush()
        await core.events.record(
            session,
            incident.id,
            EventKind.INFO_REQUESTED,
            now,
            actor_person_id=person.id,
            text=question,
            request_id=request.id,
        )
        answer = AnswerRequest(request_id=request.id)
        await fanout.to_reporter(
            session,
            incident,
            t.info_requested(incident.reference, person.name, question),
            now,
            buttons=((Button(label=t.BUTTON_ANSWER, action=answer),),),
        )
        await inputs.forget(session, person)
    return request


async def answer_info(core: Core, person: Person, request_id: int, answer: str) -> InfoRequest:
    """The reporter's answer, threaded to whoever asked and to the others."""
    async with core.unit() as uow:
        session, now = uow.session, uow.now
        request = await inputs.info_request(session, request_id, person, now)
        incident = (
            await access.authorize(session, request.incident_id, person, Action.ANSWER_INFO, now)
        ).incident
        request.answered_at = now
        request.answer = answer
        await core.events.record(
            session,
            request.incident_id,
            EventKind.INFO_PROVIDED,
            now,
            actor_person_id=person.id,
            text=answer,
            request_id=request.id,
        )
        asker = await session.get_one(Person, request.from_person_id)
        await fanout.to_recipients(
            session,
            incident,
            t.info_answered(incident.reference, person.name, asker.name, request.question, answer),
            now,
        )
        await inputs.forget(session, person)
    return request
