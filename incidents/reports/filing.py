"""Confirming a report as a use case: file the draft as an incident exactly once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from incidents.core import Core
from incidents.outbox import replies
from incidents.reports import service
from incidents.reports.service import FileOutcome
from incidents.reports.view import ReportView
from storage.models import Person

__all__ = ["FileOutcome", "Filed", "confirm"]


@dataclass(frozen=True, slots=True)
class Filed:
    """What confirming did; the incident's id and view when there is one."""

    outcome: FileOutcome
    incident_id: int | None = None
    reference: str = ""
    view: ReportView | None = None


async def confirm(
    core: Core,
    person: Person,
    token: str,
    *,
    tell: Callable[[Filed], Sequence[replies.Reply]] | None = None,
) -> Filed:
    """File the draft with that token, exactly once however often confirm arrives.

    `tell` makes the replies that announce a fresh filing; they are written in the filing's
    own transaction, so a reporter is told of every incident filed, whatever stops after it.
    """
    async with core.unit() as uow:
        result = await service.file(uow.session, person, token, uow.now, core.rules.tz, core.events)
        incident = result.incident
        if incident is None:
            return Filed(result.outcome)
        # Only a fresh incident has its relationships loaded (and needs showing in full).
        view = ReportView.of_incident(incident) if result.outcome is FileOutcome.FILED else None
        filed = Filed(result.outcome, incident.id, incident.reference, view)
        if tell is not None and view is not None:
            await replies.write(uow.session, uow.now, tell(filed))
        return filed
