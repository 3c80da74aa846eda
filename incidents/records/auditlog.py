"""The audit trail as the web log shows it to admins, and recording what people view."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import func, select

from incidents import audit
from incidents.records import auditview
from incidents.records.filters import Viewer
from storage.db import Database
from storage.models import AuditAction, AuditEvent, Person

AUDIT_PAGE_SIZE = 50


async def record_view(
    db: Database,
    viewer: Viewer,
    action: AuditAction,
    now: datetime,
    source: str,
    *,
    subject_type: str = "",
    subject_id: str | int = "",
    **detail: Any,
) -> None:
    """Write down that the viewer saw or took something, in its own unit of work."""
    actor = audit.Actor(person_id=viewer.person_id, label=viewer.name, source=source)
    async with db.write() as session:
        audit.record(
            session,
            action,
            actor,
            now,
            subject_type=subject_type,
            subject_id=subject_id,
            **detail,
        )


# The audit row's subject id column holds this many characters; what a request asked for
# may be longer (anyone can type an address), so its texts are kept to this length.
SUBJECT_ID_LENGTH = 64


async def record_refusal(
    db: Database,
    viewer: Viewer,
    now: datetime,
    source: str,
    *,
    subject_type: str,
    subject_id: str | int = "",
    **detail: Any,
) -> None:
    """Write down what the viewer asked for and was refused. Every refusing route comes
    through here, so how refusals are kept (one row each, or repeats folded) is decided here."""
    entry = audit.AuditEntry(
        AuditAction.WEB_ACCESS_REFUSED,
        audit.Actor(person_id=viewer.person_id, label=viewer.name, source=source),
        now,
        subject_type=subject_type,
        subject_id=str(subject_id)[:SUBJECT_ID_LENGTH],
        detail={k: v[:SUBJECT_ID_LENGTH] if isinstance(v, str) else v for k, v in detail.items()},
    )
    async with db.write() as session:
        # Repeats of the same refused request are counted on one row.
        await audit.record_refusal(session, entry)


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


async def audit_page(
    db: Database,
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
    async with db.read() as session:
        total = int(
            await session.scalar(select(func.count()).select_from(AuditEvent).where(*conditions))
            or 0
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
