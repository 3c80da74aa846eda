"""The web log's pages as use cases: the incident list, an incident's page and the statistics.

Each reads through the viewer's visibility (incidents/access.py, the rule the bot uses too),
then writes down what was seen, or what was refused, before the page is shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from incidents.core import Core
from incidents.records import queries, situation, stats, trail
from incidents.records.filters import IncidentFilter, Viewer
from incidents.records.incident import Detail, incident_detail
from incidents.records.queries import Page
from incidents.records.stats import Statistics
from storage.models import AuditAction, District


@dataclass(frozen=True, slots=True)
class Listing:
    """A page of the incident list, and the districts its filter offers."""

    page: Page
    districts: Sequence[District]


async def incident_list(
    core: Core, viewer: Viewer, wanted: IncidentFilter, address: str
) -> Listing:
    """The page of incidents the filter asks for (audited with the filters and the count)."""
    async with core.reading() as session:
        page = await queries.list_page(session, viewer, wanted, core.rules.tz)
        districts = await queries.districts(session, core.province_id)
    await trail.viewed(
        core,
        viewer,
        address,
        AuditAction.WEB_LIST_VIEWED,
        subject_type="incident_list",
        filters=wanted.chosen(),
        shown=len(page.rows),
    )
    return Listing(page, districts)


async def incident_page(core: Core, viewer: Viewer, reference: str, address: str) -> Detail | None:
    """Everything about one incident, the view audited; None (the refusal audited) when it
    does not exist or the viewer may not see it: asking never tells which."""
    async with core.reading() as session:
        detail = await incident_detail(session, viewer, reference)
    if detail is None:
        await trail.refused(core, viewer, address, subject_type="incident", subject_id=reference)
        return None
    await trail.viewed(
        core,
        viewer,
        address,
        AuditAction.WEB_INCIDENT_VIEWED,
        subject_type="incident",
        subject_id=reference,
    )
    return detail


@dataclass(frozen=True, slots=True)
class Figures:
    """The statistics of the filtered incidents, and the districts the filter offers."""

    statistics: Statistics
    districts: Sequence[District]


async def statistics_page(
    core: Core, viewer: Viewer, wanted: IncidentFilter, address: str
) -> Figures:
    """Counts by month, district and category, and the time to the first acknowledgement."""
    async with core.reading() as session:
        figures = await stats.statistics(
            session, viewer, wanted, core.rules.tz, core.rules.ack_deadlines
        )
        districts = await queries.districts(session, core.province_id)
    await trail.viewed(
        core,
        viewer,
        address,
        AuditAction.WEB_STATISTICS_VIEWED,
        subject_type="statistics",
        filters=wanted.chosen(),
    )
    return Figures(figures, districts)


async def situation_page(core: Core, viewer: Viewer, address: str) -> situation.Situation:
    """What is open now and what was filed today (the views, refreshes too, counted on one
    audit row while the page stays open)."""
    async with core.reading() as session:
        now = core.clock.now()
        found = await situation.situation(session, viewer, now, core.rules.tz)
    await trail.viewed_again(
        core, viewer, address, AuditAction.WEB_SITUATION_VIEWED, subject_type="situation"
    )
    return found
