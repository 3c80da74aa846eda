"""Applying the permission model (incidents/policy.py) to a person and an incident in the database.

Every refusal is audited; the refusal carries its audit entry out of the unit of work it ends
(see incidents.audit.unit_of_work), so a refused action leaves nothing else behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from incidents import audit, policy
from incidents.policy import Action, Refusal, Standing
from storage.models import (
    AlertRecipient,
    AuditAction,
    Incident,
    IncidentStatus,
    Person,
    Role,
)


class AccessRefused(audit.Refused):
    """An action refused by the policy (or a state check); the person is told `refusal`."""

    def __init__(self, refusal: Refusal, entry: audit.AuditEntry | None = None) -> None:
        super().__init__(refusal.value, entry)
        self.refusal = refusal


@dataclass(frozen=True, slots=True)
class Access:
    """An incident a person may act on, and their standing towards it."""

    incident: Incident
    standing: Standing

    def permits(self, action: Action) -> bool:
        """Whether the person may also take `action` on this incident now."""
        return policy.permits(action, self.standing)


def actor_of(person: Person, source: str = audit.ActorSource.TELEGRAM) -> audit.Actor:
    """The audit actor for a roster person."""
    return audit.Actor(person_id=person.id, telegram_id=person.telegram_user_id, source=source)


async def standing_of(session: AsyncSession, incident: Incident, person: Person) -> Standing:
    """The person's standing towards the incident, as the database has it now."""
    recipient = await session.scalar(
        select(AlertRecipient.role).where(
            AlertRecipient.incident_id == incident.id, AlertRecipient.person_id == person.id
        )
    )
    return Standing(
        roles=person.roles,
        own_agency=incident.agency_id == person.agency_id,
        recipient=recipient,
        closed=incident.status is IncidentStatus.CLOSED,
    )


def refused(
    refusal: Refusal,
    person: Person,
    incident_id: int,
    action: Action,
    now: datetime,
    *,
    source: str = audit.ActorSource.TELEGRAM,
) -> AccessRefused:
    """A refusal of `action`, carrying its audit entry."""
    entry = audit.AuditEntry(
        AuditAction.THREAD_ACTION_REFUSED,
        actor_of(person, source),
        now,
        subject_type="incident",
        subject_id=incident_id,
        detail={"action": action.value, "reason": refusal.value},
    )
    return AccessRefused(refusal, entry)


async def authorize(
    session: AsyncSession,
    incident_id: int,
    person: Person,
    action: Action,
    now: datetime,
    *,
    lock: bool = False,
    source: str = audit.ActorSource.TELEGRAM,
) -> Access:
    """Load the incident for `action` by `person`, or raise AccessRefused (audited)."""
    query = select(Incident).where(Incident.id == incident_id)
    if lock:
        query = query.with_for_update(of=Incident)
    incident = await session.scalar(query)
    if incident is None:
        raise refused(Refusal.NOT_FOUND, person, incident_id, action, now, source=source)
    standing = await standing_of(session, incident, person)
    reason = policy.refusal(action, standing)
    if reason is not None:
        raise refused(reason, person, incident.id, action, now, source=source)
    return Access(incident, standing)


def visible_incidents(
    person_id: int, agency_id: int, roles: frozenset[Role]
) -> list[ColumnElement[bool]]:
    """SQL conditions for the incidents a person may see (empty: all of them): their agency's,
    and those whose alert reached them, unless the policy lets them see everything."""
    if policy.sees_everything(roles):
        return []
    alerted = select(AlertRecipient.incident_id).where(AlertRecipient.person_id == person_id)
    return [or_(Incident.agency_id == agency_id, Incident.id.in_(alerted))]
