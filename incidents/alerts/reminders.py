"""Reminders of an unacknowledged alert, and escalation to further contacts after round one."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.alerts import recipients
from incidents.config import Rules
from incidents.drills import series
from incidents.events import EventBus
from incidents.outbox.params import DeliveryParams
from incidents.text import alert as t
from storage.models import (
    AlertRecipient,
    DeliveryKind,
    EventKind,
    Incident,
    Person,
    RecipientRole,
)

log = logging.getLogger(__name__)


async def fire_due(
    session: AsyncSession, now: datetime, rules: Rules, province_id: int, bus: EventBus
) -> int:
    """Remind and escalate every unacknowledged incident past its deadline."""
    due = (
        await session.scalars(
            select(Incident)
            .where(Incident.next_reminder_at <= now, Incident.acknowledged_at.is_(None))
            .order_by(Incident.next_reminder_at)
            .with_for_update(of=Incident, skip_locked=True)
        )
    ).all()
    for incident in due:
        await _fire_round(session, incident, now, rules, province_id, bus)
    return len(due)


async def next_due(session: AsyncSession) -> datetime | None:
    """When the next reminder is due."""
    return await session.scalar(
        select(Incident.next_reminder_at)
        .where(Incident.next_reminder_at.is_not(None), Incident.acknowledged_at.is_(None))
        .order_by(Incident.next_reminder_at)
        .limit(1)
    )


async def _fire_round(
    session: AsyncSession,
    incident: Incident,
    now: datetime,
    rules: Rules,
    province_id: int,
    bus: EventBus,
) -> None:
    deadline = rules.ack_deadline(incident.urgency)
    # The round the clock is in; after downtime, skip the rounds missed rather than send
    # a burst of stale reminders.
    elapsed_rounds = int((now - incident.created_at) / deadline)
    round_no = min(rules.escalation_max_rounds, max(incident.reminder_round + 1, elapsed_rounds))
    minutes = int((now - incident.created_at).total_seconds() // 60)
    await recipients.to_recipients(
        session,
        incident.id,
        DeliveryKind.REMINDER,
        DeliveryParams(reminder_round=round_no, minutes=minutes),
        now,
        skip_war_room=True,
    )
    had = (
        await session.scalars(
            select(AlertRecipient).where(AlertRecipient.incident_id == incident.id)
        )
    ).all()
    escalated: list[str] = []
    if round_no >= 2:
        escalated = await _escalate(session, incident, had, minutes, now, rules, province_id)
    kind = EventKind.ESCALATED if escalated else EventKind.REMINDED
    await bus.record(session, incident.id, kind, now, round=round_no, escalated_to=escalated)
    incident.reminder_round = round_no
    if round_no >= rules.escalation_max_rounds:
        incident.next_reminder_at = None
        await recipients.notify_admins(
            session,
            province_id,
            t.unacknowledged_to_admins(incident.reference, round_no),
            now,
            only=await series.pageable(session, incident),
        )
    else:
        incident.next_reminder_at = incident.created_at + deadline * (round_no + 1)
    log.info(
        "incident %s: reminder round %d (escalated to %d)",
        incident.reference,
        round_no,
        len(escalated),
    )


async def _escalate(
    session: AsyncSession,
    incident: Incident,
    had: Sequence[AlertRecipient],
    minutes: int,
    now: datetime,
    rules: Rules,
    province_id: int,
) -> list[str]:
    """Alert the escalation contacts who have not had this incident yet."""
    have = {r.person_id for r in had}
    allowed = await series.pageable(session, incident)
    added: list[str] = []
    intro = t.escalation_intro(incident, minutes)
    for roster_id in rules.escalation_roster_ids:
        person = await session.scalar(
            select(Person).where(
                Person.province_id == province_id,
                Person.roster_id == roster_id,
                Person.active.is_(True),
            )
        )
        if person is None or not recipients.reachable(person):
            log.warning("escalation contact %s is not on the roster or has not joined", roster_id)
            continue
        if person.id in have:
            continue
        if allowed is not None and person.id not in allowed:
            continue  # a drill never pages anyone outside it
        await recipients.alert_person(
            session, incident, person, RecipientRole.ESCALATION, now, intro=intro
        )
        added.append(roster_id)
    return added
