"""Confirming a report as a use case: file the draft as an incident exactly once."""

from __future__ import annotations

from dataclasses import dataclass

from incidents.core import Core
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


async def confirm(core: Core, person: Person, token: str) -> Filed:
    """File the draft with that token, exactly once however often confirm arrives."""
    async with core.unit() as uow:
        result = await service.file(uow.session, person, token, uow.now, core.rules.tz, core.events)
        incident = result.incident
        if incident is None:
            return Filed(result.outcome)
        # Only a fresh incident has its relationships loaded (and needs showing in full).
        view = ReportView.of_incident(incident) if result.outcome is FileOutcome.FILED else None
        return Filed(result.outcome, incident.id, incident.reference, view)
