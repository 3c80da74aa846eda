"""Inbox rows: stored as they arrive, claimed lane by lane, settled once handled."""

from __future__ import annotations

import functools
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from incidents import lanes
from incidents.instances import claim_is_free
from storage.dialect import insert_or_ignore
from storage.models import InboxStatus, InboxUpdate

# Telegram keeps an undelivered update for 24 hours and may reuse ids after a quiet week.
KEEP_FOR = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class Arrival:
    """One update as a channel delivered it."""

    channel: str
    external_id: str
    lane: str
    payload: dict[str, Any]


async def store(session: AsyncSession, arrivals: Sequence[Arrival], now: datetime) -> list[int]:
    """Add the arrivals not already known; return the ids of the rows added.

    On PostgreSQL each lane is locked for the rest of the transaction first, so two replicas
    storing one person's updates at once commit them one after the other, in id order, and a
    claim never sees a later update of a lane without the earlier one.
    """
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        for lane in sorted({a.lane for a in arrivals}):
            await session.execute(select(func.pg_advisory_xact_lock(func.hashtext(lane))))
    added: list[int] = []
    for arrival in arrivals:
        result = await session.execute(
            insert_or_ignore(
                session,
                InboxUpdate,
                channel=arrival.channel,
                external_id=arrival.external_id,
                lane=arrival.lane,
                payload=arrival.payload,
                status=InboxStatus.PENDING,
                received_at=now,
                attempts=0,
                next_attempt_at=now,
                last_error="",
            ).returning(InboxUpdate.id)
        )
        row_id = result.scalar_one_or_none()
        if row_id is not None:
            added.append(row_id)
    return added


@functools.cache
def _claim_query(narrowed: bool) -> Select[InboxUpdate]:
    only = InboxUpdate.id.in_(bindparam("only", expanding=True))
    return lanes.claimable_heads(
        InboxUpdate,
        InboxStatus.PENDING,
        free=claim_is_free(InboxUpdate.claimed_by, bindparam("me"), lanes.DEAD_BEFORE),
        where=[only] if narrowed else [],
    )


async def claim(
    session: AsyncSession,
    me: str,
    now: datetime,
    *,
    exclude: Collection[int] = (),
    only: Collection[int] = (),
    limit: int = 100,
) -> Sequence[InboxUpdate]:
    """Claim the due head update of each lane nobody is working on.

    `exclude` holds the updates this process is handling now; `only` narrows the claim to
    given rows (the ones an intake has just stored). A lane is taken while any of its
    updates is claimed by a live instance, so one person's updates never run side by side.
    """
    query = _claim_query(bool(only)).limit(limit)
    params = lanes.claim_params(now, exclude, me=me, only=list(only))
    rows = (await session.scalars(query, params)).all()
    for row in rows:
        row.claimed_by = me
    return rows


async def mark_done(session: AsyncSession, update_id: int, now: datetime) -> None:
    """Settle an update as handled (in the transaction of its effects, where there is one)."""
    await session.execute(
        update(InboxUpdate)
        .where(InboxUpdate.id == update_id, InboxUpdate.status == InboxStatus.PENDING)
        .values(status=InboxStatus.DONE, handled_at=now, claimed_by=None, payload={})
    )


async def retry_later(
    session: AsyncSession, update_id: int, at: datetime, error: str, *, give_up: bool
) -> None:
    """Release an update whose handling failed: again at `at`, or failed for good."""
    values: dict[str, Any] = {
        "attempts": InboxUpdate.attempts + 1,
        "last_error": error[:500],
        "claimed_by": None,
        "next_attempt_at": at,
    }
    if give_up:
        values.update(status=InboxStatus.FAILED, handled_at=at)
    await session.execute(
        update(InboxUpdate)
        .where(InboxUpdate.id == update_id, InboxUpdate.status == InboxStatus.PENDING)
        .values(**values)
    )


async def handled(session: AsyncSession, channel: str, external_id: str) -> bool:
    """Whether an update was already handled."""
    found = await session.scalar(
        select(InboxUpdate.id).where(
            InboxUpdate.channel == channel,
            InboxUpdate.external_id == external_id,
            InboxUpdate.status != InboxStatus.PENDING,
        )
    )
    return found is not None


async def backlog(session: AsyncSession) -> tuple[int, datetime | None]:
    """How many updates wait to be handled, and when the oldest arrived."""
    row = (
        await session.execute(
            select(func.count(InboxUpdate.id), func.min(InboxUpdate.received_at)).where(
                InboxUpdate.status == InboxStatus.PENDING
            )
        )
    ).one()
    return int(row[0]), row[1]


async def next_due(session: AsyncSession, now: datetime) -> datetime | None:
    """When the earliest update waiting for a retry becomes due."""
    return await session.scalar(
        select(func.min(InboxUpdate.next_attempt_at)).where(
            InboxUpdate.status == InboxStatus.PENDING, InboxUpdate.next_attempt_at > now
        )
    )


async def prune(session: AsyncSession, now: datetime) -> int:
    """Forget settled updates older than a week."""
    result = await session.execute(
        delete(InboxUpdate).where(
            InboxUpdate.status != InboxStatus.PENDING, InboxUpdate.received_at < now - KEEP_FOR
        )
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
