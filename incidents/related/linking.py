"""Linking two reports of one event, and undoing it: both keep their thread, each timeline says
who linked them, and the statistics can count the pair once (`Incident.link_group_id`).

The button under an alert (`อาจเป็นเหตุเดียวกับ …`) and the web page's form come here; the
policy (incidents/policy.py, Action.LINK) decides who may, for both incidents.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from incidents import access, audit
from incidents.alerts.acknowledgement import refresh_alerts
from incidents.core import Core
from incidents.events import EventBus
from incidents.policy import Action, Refusal
from storage.models import EventKind, Incident, IncidentLink, LinkState, Person


class LinkOutcome(StrEnum):
    """What a press or a form did."""

    LINKED = "linked"
    ALREADY_LINKED = "already_linked"
    UNLINKED = "unlinked"
    NOT_LINKED = "not_linked"  # undoing a link that is not there


@dataclass(frozen=True, slots=True)
class LinkResult:
    """The outcome, the two references, and who made the pair what it is (when linked)."""

    outcome: LinkOutcome
    reference: str
    other_reference: str
    by_name: str | None = None
    at: datetime | None = None


async def link(
    core: Core,
    person: Person,
    incident_id: int,
    other_id: int,
    source: str = audit.ActorSource.TELEGRAM,
) -> LinkResult:
    """The person links two incidents as one event (refused, audited, unless both may be)."""
    async with core.unit() as uow:
        return await _change(
            uow.session, core.events, person, incident_id, other_id, uow.now, source, True
        )


async def unlink(
    core: Core,
    person: Person,
    incident_id: int,
    other_id: int,
    source: str = audit.ActorSource.TELEGRAM,
) -> LinkResult:
    """The person undoes a link made by mistake."""
    async with core.unit() as uow:
        return await _change(
            uow.session, core.events, person, incident_id, other_id, uow.now, source, False
        )


async def _change(
    session: AsyncSession,
    bus: EventBus,
    person: Person,
    incident_id: int,
    other_id: int,
    now: datetime,
    source: str,
    linking: bool,
) -> LinkResult:
    # Both rows locked, the smaller id first, so two people linking one pair queue up.
    low_id, high_id = sorted((incident_id, other_id))
    low = await access.authorize(
        session, low_id, person, Action.LINK, now, lock=True, source=source
    )
    high = await access.authorize(
        session, high_id, person, Action.LINK, now, lock=True, source=source
    )
    pair = {low.incident.id: low.incident, high.incident.id: high.incident}
    incident, other = pair[incident_id], pair[other_id]
    if low_id == high_id or low.incident.drill_id != high.incident.drill_id:
        raise access.refused(
            Refusal.NOT_LINKABLE, person, incident_id, Action.LINK, now, source=source
        )
    row = await session.scalar(
        select(IncidentLink)
        .where(IncidentLink.low_id == low_id, IncidentLink.high_id == high_id)
        .with_for_update()
    )
    linked = row is not None and row.state is LinkState.LINKED
    if linking and linked:
        assert row is not None
        by = await session.get(Person, row.changed_by_id) if row.changed_by_id else None
        return LinkResult(
            LinkOutcome.ALREADY_LINKED,
            incident.reference,
            other.reference,
            by.name if by else None,
            row.changed_at,
        )
    if not linking and not linked:
        return LinkResult(LinkOutcome.NOT_LINKED, incident.reference, other.reference)
    if row is None:
        row = IncidentLink(low_id=low_id, high_id=high_id, created_at=now)
        session.add(row)
    row.state = LinkState.LINKED if linking else LinkState.UNLINKED
    row.changed_at, row.changed_by_id, row.changed_via = now, person.id, source
    await session.flush()
    kind = EventKind.LINKED if linking else EventKind.UNLINKED
    for this, that in ((incident, other), (other, incident)):
        this.updated_at = now
        await bus.record(
            session,
            this.id,
            kind,
            now,
            actor_person_id=person.id,
            other_id=that.id,
            other_reference=that.reference,
        )
    await regroup(session, {low_id, high_id})
    for changed in (low_id, high_id):
        await refresh_alerts(session, changed, now)
    outcome = LinkOutcome.LINKED if linking else LinkOutcome.UNLINKED
    return LinkResult(outcome, incident.reference, other.reference, person.name, now)


async def regroup(session: AsyncSession, start: set[int]) -> None:
    """Give every incident linked (through any chain of links) to those in `start` the smallest
    id among them as its group; an incident linked to nothing has none."""
    for first in sorted(start):
        component = await _linked_with(session, first)
        group = min(component) if len(component) > 1 else None
        await session.execute(
            update(Incident).where(Incident.id.in_(component)).values(link_group_id=group)
        )


async def _linked_with(session: AsyncSession, first: int) -> set[int]:
    """The incidents reached from `first` through linked pairs, itself included."""
    seen = {first}
    frontier = {first}
    while frontier:
        rows = await session.execute(
            select(IncidentLink.low_id, IncidentLink.high_id).where(
                IncidentLink.state == LinkState.LINKED,
                or_(IncidentLink.low_id.in_(frontier), IncidentLink.high_id.in_(frontier)),
            )
        )
        reached = {i for pair in rows.all() for i in pair} - seen
        seen |= reached
        frontier = reached
    return seen
