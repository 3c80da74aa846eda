"""Recording audited events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

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
    event = AuditEvent(
        at=at,
        action=action,
        actor_person_id=actor.person_id,
        actor_telegram_id=actor.telegram_id,
        actor_label=actor.label[:100],
        source=actor.source[:64],
        subject_type=subject_type,
        subject_id=str(subject_id),
        detail=detail,
    )
    session.add(event)
    return event
