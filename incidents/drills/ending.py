"""Ending a drill (by an admin, or at its end time) and handing its report to the admins."""

from __future__ import annotations

from sqlalchemy import select

from incidents.core import Core
from incidents.drills import report as drill_report
from incidents.drills.series import participant_ids, running
from incidents.drills.service import end_in, tell
from storage.models import Drill, PersonRole, Role


async def end(core: Core, drill_id: int | None = None) -> drill_report.DrillReport | None:
    """End the running drill (that one, when an id is given) and send its report to the admin
    who started it and the admins taking part; None if no such drill is running."""
    async with core.unit() as uow:
        drill = await end_in(uow.session, core.province_id, uow.now, drill_id)
        if drill is None:
            return None
        ended = drill.id
    return await deliver_report(core, ended)


async def end_due(core: Core) -> list[int]:
    """End the drill past its end time, if any (the maintenance loop asks): the ids ended."""
    async with core.reading() as session:
        drill = await running(session, core.province_id)
        if drill is None or drill.ends_at > core.clock.now():
            return []
    return [] if await end(core, drill.id) is None else [drill.id]


async def deliver_report(core: Core, drill_id: int) -> drill_report.DrillReport | None:
    """Build the drill's report and queue it to its admins."""
    report = await drill_report.build(core, drill_id)
    if report is None:
        return None
    async with core.unit() as uow:
        session = uow.session
        drill = await session.get_one(Drill, drill_id)
        people = await participant_ids(session, drill_id)
        admins = set(
            (
                await session.scalars(
                    select(PersonRole.person_id).where(
                        PersonRole.role == Role.ADMIN, PersonRole.person_id.in_(people)
                    )
                )
            ).all()
        )
        if drill.started_by_id is not None:
            admins.add(drill.started_by_id)
        await tell(session, sorted(admins), drill_report.as_text(report), uow.now)
    return report
