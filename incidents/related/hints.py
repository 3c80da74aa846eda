"""What an alert says of an incident's related ones: `อาจเป็นเหตุเดียวกับ PCT-…` with a link
button while only suggested, `เชื่อมโยงกับ PCT-…` once linked."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Incident, IncidentLink, LinkState

# An alert names at most this many related incidents (the closest first).
MAX_HINTS = 3


class RelatedHint(BaseModel):
    """One related incident as an alert names it (stored in a just-filed alert's params)."""

    model_config = ConfigDict(frozen=True)

    incident_id: int
    reference: str
    linked: bool = False


async def hints_of(session: AsyncSession, incident_id: int) -> tuple[RelatedHint, ...]:
    """The incident's related ones as its alert shows them now: linked first, then suggested,
    the most recent first within each; unlinked pairs are not named again."""
    other = Incident.id
    rows = await session.execute(
        select(IncidentLink.state, Incident.id, Incident.reference)
        .join(
            Incident,
            or_(
                (IncidentLink.low_id == incident_id) & (other == IncidentLink.high_id),
                (IncidentLink.high_id == incident_id) & (other == IncidentLink.low_id),
            ),
        )
        .where(
            or_(IncidentLink.low_id == incident_id, IncidentLink.high_id == incident_id),
            IncidentLink.state != LinkState.UNLINKED,
        )
    )
    found = [
        RelatedHint(incident_id=other_id, reference=reference, linked=state is LinkState.LINKED)
        for state, other_id, reference in rows.all()
    ]
    found.sort(key=lambda h: (not h.linked, -h.incident_id))
    return tuple(found[:MAX_HINTS])
