"""Related incidents on the web log: the incident page's section, and its form that links two
incidents (or undoes a link) by reference. Only incidents the viewer may see are named: a
reporter never learns of another agency's incident through a link."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from incidents.access import AccessRefused
from incidents.core import Core
from incidents.policy import Refusal
from incidents.records import trail
from incidents.records.filters import Viewer
from incidents.related import linking
from incidents.related.linking import LinkOutcome
from storage.models import (
    Category,
    Incident,
    IncidentLink,
    IncidentStatus,
    LinkState,
    Person,
)

# The channel a link made on the web log is recorded as.
WEB_SOURCE = "web"


@dataclass(frozen=True, slots=True)
class RelatedRow:
    """A related incident as the page lists it."""

    incident_id: int
    reference: str
    category: Category
    place: str
    status: IncidentStatus
    created_at: datetime
    linked: bool
    changed_by: str | None
    changed_at: datetime | None


async def related_rows(
    session: AsyncSession, viewer: Viewer, incident_id: int
) -> Sequence[RelatedRow]:
    """The incidents linked with this one or suggested as the same event, those the viewer
    may see only; linked first, then the most recent."""
    found: list[RelatedRow] = []
    by = aliased(Person)
    for mine, theirs in (
        (IncidentLink.low_id, IncidentLink.high_id),
        (IncidentLink.high_id, IncidentLink.low_id),
    ):
        rows = await session.execute(
            select(
                IncidentLink.state,
                IncidentLink.changed_at,
                by.name,
                Incident.id,
                Incident.reference,
                Incident.category,
                Incident.place,
                Incident.status,
                Incident.created_at,
            )
            .join(Incident, Incident.id == theirs)
            .outerjoin(by, by.id == IncidentLink.changed_by_id)
            .where(mine == incident_id, IncidentLink.state != LinkState.UNLINKED, *viewer.visible())
        )
        for state, changed_at, name, other_id, ref, category, place, status, at in rows.all():
            linked = state is LinkState.LINKED
            found.append(
                RelatedRow(
                    incident_id=other_id,
                    reference=ref,
                    category=category,
                    place=place,
                    status=status,
                    created_at=at,
                    linked=linked,
                    changed_by=name if linked else None,
                    changed_at=changed_at if linked else None,
                )
            )
    found.sort(key=lambda r: (not r.linked, -r.incident_id))
    return found


async def visible_ids(session: AsyncSession, viewer: Viewer, ids: set[int]) -> set[int]:
    """Those of `ids` the viewer may see."""
    if not ids:
        return set()
    rows = await session.scalars(select(Incident.id).where(Incident.id.in_(ids), *viewer.visible()))
    return set(rows.all())


async def change_link(
    core: Core,
    viewer: Viewer,
    reference: str,
    other_reference: str,
    *,
    linking_them: bool,
    address: str,
) -> LinkOutcome | Refusal:
    """Link the incident with another by its reference, or undo the link, as the viewer; what
    happened (a refusal audited; an unknown or hidden reference is not found, never told
    apart)."""
    async with core.reading() as session:
        person = await session.get(Person, viewer.person_id)
        rows = await session.execute(
            select(Incident.reference, Incident.id).where(
                Incident.reference.in_((reference, other_reference)), *viewer.visible()
            )
        )
        ids = dict(rows.all())
    if person is None or reference not in ids or other_reference not in ids:
        await trail.refused(
            core,
            viewer,
            address,
            subject_type="incident_link",
            subject_id=reference,
            other=other_reference,
        )
        return Refusal.NOT_FOUND
    change = linking.link if linking_them else linking.unlink
    try:
        result = await change(core, person, ids[reference], ids[other_reference], WEB_SOURCE)
    except AccessRefused as refused:
        return refused.refusal
    return result.outcome
