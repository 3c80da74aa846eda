"""Recording audited events."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Database
from storage.models import AuditAction, AuditEvent


@dataclass(frozen=True, slots=True)
class Actor:
    """Who did something: a roster person, a Telegram account, or an operator at the CLI."""

    person_id: int | None = None
    telegram_id: int | None = None
    label: str = ""
    source: str = ""


CLI_ACTOR = Actor(label="cli", source="cli")


def record(
    session: AsyncSession,
    action: AuditAction,
    actor: Actor,
    at: datetime,
    *,
    subject_type: str = "",
    subject_id: str | int = "",
    **detail: Any,
) -> AuditEvent:
    """Add an audit event to the session's unit of work."""
    return AuditEntry(action, actor, at, subject_type, subject_id, detail).add_to(session)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """An audit event not yet written (a refusal carries one out of its rolled-back work)."""

    action: AuditAction
    actor: Actor
    at: datetime
    subject_type: str = ""
    subject_id: str | int = ""
    detail: dict[str, Any] = field(default_factory=dict)

    def add_to(self, session: AsyncSession) -> AuditEvent:
        """Add the event to a unit of work."""
        event = AuditEvent(
            at=self.at,
            action=self.action,
            actor_person_id=self.actor.person_id,
            actor_telegram_id=self.actor.telegram_id,
            actor_label=self.actor.label[:100],
            source=self.actor.source[:64],
            subject_type=self.subject_type,
            subject_id=str(self.subject_id),
            detail=dict(self.detail),
        )
        session.add(event)
        return event


class Refused(Exception):  # noqa: N818 - a refusal is an outcome, not an error of ours
    """An action refused. Whatever the unit of work did is undone; only `audit` is kept."""

    def __init__(self, reason: str, audit: AuditEntry | None = None) -> None:
        super().__init__(reason)
        self.audit = audit


@asynccontextmanager
async def unit_of_work(db: Database) -> AsyncIterator[AsyncSession]:
    """A unit of work that commits on success; on a refusal it is rolled back whole and the
    refusal's audit entry is written on its own, then the refusal propagates."""
    try:
        async with db.write() as session:
            yield session
    except Refused as refused:
        if refused.audit is not None:
            async with db.write() as session:
                refused.audit.add_to(session)
        raise
