"""The audit trail as the web log shows it to admins, a page at a time, in Thai words."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.core import Core
from incidents.records import auditview, trail
from incidents.records.filters import Viewer
from storage.models import AuditAction, AuditEvent, Person

AUDIT_PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class AuditRow:
    """One line of the audit log page, in Thai words."""

    at: datetime
    action: AuditAction
    actor: str
    subject: str
    source: str
    details: Sequence[tuple[str, str]]
    # Repeats folded onto this row (1: it happened once), and when the latest was.
    count: int = 1
    last_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class AuditPage:
    """A page of the audit log."""

    rows: Sequence[AuditRow]
    page: int
    pages: int
    total: int


async def audit_log(
    core: Core, viewer: Viewer, page: int, action: AuditAction | None, address: str
) -> AuditPage | None:
    """A page of the audit log for an admin (the view audited); anyone else is refused, and
    that is audited too (None)."""
    if not viewer.is_admin:
        await trail.refused(core, viewer, address, subject_type="audit_log")
        return None
    async with core.reading() as session:
        shown = await audit_page(session, page, core.rules.tz, action)
    await trail.viewed(
        core,
        viewer,
        address,
        AuditAction.WEB_AUDIT_VIEWED,
        subject_type="audit_log",
        page=shown.page,
    )
    return shown


async def audit_page(
    session: AsyncSession,
    page: int,
    tz: tzinfo,
    action: AuditAction | None = None,
    person_id: int | None = None,
) -> AuditPage:
    """The newest audit events first, optionally of one kind or one person."""
    conditions = []
    if action is not None:
        conditions.append(AuditEvent.action == action)
    if person_id is not None:
        conditions.append(AuditEvent.actor_person_id == person_id)
    total = int(
        await session.scalar(select(func.count()).select_from(AuditEvent).where(*conditions)) or 0
    )
    pages = max(1, math.ceil(total / AUDIT_PAGE_SIZE))
    page = max(1, min(page, pages))
    rows = (
        await session.execute(
            select(AuditEvent, Person.name, Person.position)
            .outerjoin(Person, Person.id == AuditEvent.actor_person_id)
            .where(*conditions)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(AUDIT_PAGE_SIZE)
            .offset((page - 1) * AUDIT_PAGE_SIZE)
        )
    ).all()
    names = await auditview.names_for(session, [event for event, _, _ in rows])
    return AuditPage(
        rows=[
            AuditRow(
                at=event.at,
                action=event.action,
                actor=auditview.actor_text(event, name, position),
                subject=auditview.subject_text(event.subject_type, event.subject_id, names),
                source=auditview.source_text(event.source),
                details=auditview.detail_items(dict(event.detail or {}), names, tz),
                count=event.count,
                last_at=event.last_at,
            )
            for event, name, position in rows
        ],
        page=page,
        pages=pages,
        total=total,
    )
