"""What a person's next message will be: news, an instruction, a question, an answer, a
closing summary. Stored as their pending input, so the conversation survives restarts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from incidents import access
from incidents.access import Access
from incidents.core import Core
from incidents.policy import Action, Refusal
from storage.models import InfoRequest, PendingInput, PendingInputKind, Person

PENDING_TTL = timedelta(minutes=30)

# What each kind of awaited message will do, for the permission it needs.
INPUT_ACTIONS: dict[PendingInputKind, Action] = {
    PendingInputKind.UPDATE: Action.POST_UPDATE,
    PendingInputKind.INSTRUCTION: Action.INSTRUCT,
    PendingInputKind.INFO_QUESTION: Action.REQUEST_INFO,
    PendingInputKind.INFO_ANSWER: Action.ANSWER_INFO,
    PendingInputKind.CLOSE_SUMMARY: Action.CLOSE,
}


@dataclass(frozen=True, slots=True)
class Awaited:
    """What the person's next message answers."""

    kind: PendingInputKind
    incident_id: int
    request_id: int | None = None


async def start_input(
    core: Core, person: Person, incident_id: int, kind: PendingInputKind
) -> Access:
    """Take the person's next message as `kind`, if they may take that action now."""
    async with core.unit() as uow:
        allowed = await access.authorize(
            uow.session, incident_id, person, INPUT_ACTIONS[kind], uow.now
        )
        await expect(uow.session, person, kind, incident_id, uow.now)
    return allowed


async def start_answer(core: Core, person: Person, request_id: int) -> Access:
    """Take the person's next message as the answer to a request for information."""
    async with core.unit() as uow:
        request = await info_request(uow.session, request_id, person, uow.now)
        allowed = await access.authorize(
            uow.session, request.incident_id, person, Action.ANSWER_INFO, uow.now
        )
        await expect(
            uow.session,
            person,
            PendingInputKind.INFO_ANSWER,
            request.incident_id,
            uow.now,
            request_id=request.id,
        )
    return allowed


async def awaited(core: Core, person: Person) -> Awaited | None:
    """What the person's next message answers, if anything (an expired prompt is dropped)."""
    async with core.unit() as uow:
        pending = await uow.session.get(PendingInput, person.id)
        if pending is None:
            return None
        if pending.created_at < uow.now - PENDING_TTL:
            await uow.session.delete(pending)
            return None
        return Awaited(pending.kind, pending.incident_id, pending.request_id)


async def clear(core: Core, person: Person) -> bool:
    """Forget what the person was about to send; True if there was something."""
    async with core.unit() as uow:
        return await forget(uow.session, person)


async def info_request(
    session: AsyncSession, request_id: int, person: Person, now: datetime
) -> InfoRequest:
    """A request the person may answer (the incident's own agency)."""
    request = await session.get(InfoRequest, request_id)
    if request is None:
        raise access.refused(Refusal.NOT_FOUND, person, 0, Action.ANSWER_INFO, now)
    await access.authorize(session, request.incident_id, person, Action.ANSWER_INFO, now)
    return request


async def expect(
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


async def forget(session: AsyncSession, person: Person) -> bool:
    """Drop the person's pending input in this unit of work; True if there was one."""
    pending = await session.get(PendingInput, person.id)
    if pending is not None:
        await session.delete(pending)
    return pending is not None
