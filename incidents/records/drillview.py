"""The drill report page of the web log: for admins only, and audited."""

from __future__ import annotations

from incidents.core import Core
from incidents.drills import report as drill_report
from incidents.records import trail
from incidents.records.filters import Viewer
from storage.models import AuditAction


async def drill_page(
    core: Core, viewer: Viewer, drill_id: int, address: str
) -> drill_report.DrillReport | None:
    """A drill's report for an admin (the view audited); anyone else, or a drill that does
    not exist, is refused and audited (None)."""
    report = await drill_report.build(core, drill_id) if viewer.is_admin else None
    if report is None:
        await trail.refused(core, viewer, address, subject_type="drill", subject_id=drill_id)
        return None
    await trail.viewed(
        core,
        viewer,
        address,
        AuditAction.WEB_DRILL_VIEWED,
        subject_type="drill",
        subject_id=drill_id,
    )
    return report
