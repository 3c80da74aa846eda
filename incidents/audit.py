"""Recording audited events."""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Database
from storage.models import AuditAction, AuditEvent


class ActorSource(StrEnum):
    """Where an audited action came from, when not from a web client (whose address is kept)."""

    TELEGRAM = "telegram"
    LINE = "line"
    CLI = "cli"
    DISPATCHER = "dispatcher"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who did something: a roster person, a Telegram account, or an operator at the CLI."""

    person_id: int | None = None
    telegram_id: int | None = None
    label: str = ""
    # An ActorSource, or the address of the web client that asked.
    source: str = ""


CLI_ACTOR = Actor(label="cli", source=ActorSource.CLI)


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
            count=1,
        )
        session.add(event)
        return event


class Refused(Exception):  # noqa: N818 - a refusal is an outcome, not an error of ours
    """An action refused. Whatever the unit of work did is undone; only `audit` is kept."""

    def __init__(self, reason: str, audit: AuditEntry | None = None) -> None:
        super().__init__(reason)
        self.audit = audit


# Repeats of one refusal within this long of the last are counted on one row, so a flood of
# attempts (a stranger's messages, self-made sign-in tokens) cannot flood the audit trail;
# so are the refreshes of a page left open (the situation page).
FOLD_WINDOW = timedelta(minutes=10)


def fold_key(entry: AuditEntry) -> str:
    """What makes two refusals "the same": action, actor, subject and detail."""
    actor = entry.actor
    parts = [
        entry.action.value,
        str(actor.person_id),
        str(actor.telegram_id),
        actor.source,
        entry.subject_type,
        str(entry.subject_id),
        json.dumps(entry.detail, sort_keys=True, default=str),
    ]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


async def record_refusal(session: AsyncSession, entry: AuditEntry) -> AuditEvent:
    """Record a refusal, or count it on the row of the same refusal made moments ago (any
    entry repeated often, like a page that refreshes itself, is kept the same way)."""
    key = fold_key(entry)
    latest = await session.scalar(
        select(AuditEvent)
        .where(AuditEvent.fold_key == key)
        .order_by(AuditEvent.id.desc())
        .limit(1)
        .with_for_update()
    )
    if latest is not None and (latest.last_at or latest.at) >= entry.at - FOLD_WINDOW:
        latest.count += 1
        latest.last_at = entry.at
        return latest
    event = entry.add_to(session)
    event.fold_key = key
    return event


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
                await record_refusal(session, refused.audit)
        raise
