"""Closing, reopening, and the one reminder of an unacknowledged instruction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from incidents import access
from incidents.actions import Button, ThreadAction, ThreadVerb
from incidents.core import Core
from incidents.policy import Action
from incidents.text import thread as t
from incidents.thread import fanout, inputs
from incidents.thread.directing import acknowledge_buttons
from storage.models import EventKind, Incident, IncidentStatus, Instruction, Person


async def close(core: Core, person: Person, incident_id: int, summary: str) -> Incident:
    """Close with a short summary, by the reporter's side or a recipient executive."""
    async with core.unit() as uow:
        session, now = uow.session, uow.now
        allowed = await access.authorize(session, incident_id, person, Action.CLOSE, now, lock=True)
        incident = allowed.incident
        before = incident.status
        incident.status = IncidentStatus.CLOSED
        incident.closed_at = now
        incident.closed_by_id = person.id
        incident.close_summary = summary
        incident.next_reminder_at = None
        incident.updated_at = now
        await core.events.record(
            session,
            incident.id,
            EventKind.CLOSED,
            now,
            actor_person_id=person.id,
            text=summary,
            before=before.value,
        )
        notice = t.closed(incident.reference, person.name, summary)
        reopen = ThreadAction(incident_id=incident.id, verb=ThreadVerb.REOPEN)
        await fanout.to_recipients(
            session,
            incident,
            notice,
            now,
            exclude_person=person.id,
            buttons=((Button(label=t.BUTTON_REOPEN, action=reopen),),),
        )
        if not allowed.standing.reporter_side:
            await fanout.to_reporter(session, incident, notice, now)
        # The summary was typed in answer to a prompt.
        await inputs.forget(session, person)
    return incident


async def reopen(core: Core, person: Person, incident_id: int) -> Incident:
    """An executive who had the alert reopens a closed incident."""
    async with core.unit() as uow:
        session, now = uow.session, uow.now
        incident = (
            await access.authorize(session, incident_id, person, Action.REOPEN, now, lock=True)
        ).incident
        incident.status = IncidentStatus.IN_PROGRESS
        incident.closed_at = None
        incident.closed_by_id = None
        incident.updated_at = now
        await core.events.record(
            session, incident.id, EventKind.REOPENED, now, actor_person_id=person.id
        )
        notice = t.reopened(incident.reference, person.name)
        await fanout.to_recipients(session, incident, notice, now, exclude_person=person.id)
        await fanout.to_reporter(session, incident, notice, now)
    return incident


class InstructionReminders:
    """The timer of instructions not acknowledged in time (run by the delivery loop)."""

    def __init__(self, core: Core) -> None:
        self.core = core

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
            await self.core.events.record(
                session,
                incident.id,
                EventKind.INSTRUCTION_REMINDED,
                now,
                instruction_id=instruction.id,
            )
            await fanout.to_reporter(
                session,
                incident,
                t.instruction_reminder(incident.reference, instruction.text),
                now,
                buttons=acknowledge_buttons(instruction.id),
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
