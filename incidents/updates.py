"""Remembering which channel updates were handled, so a redelivered one is not acted on twice."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.core import Core
from storage.dialect import insert_or_ignore
from storage.models import ProcessedUpdate

KEEP_FOR = timedelta(days=7)


async def seen(session: AsyncSession, update_id: int) -> bool:
    """Whether the update was already handled."""
    found = await session.scalar(
        select(ProcessedUpdate.update_id).where(ProcessedUpdate.update_id == update_id)
    )
    return found is not None


async def mark(session: AsyncSession, update_id: int, now: datetime) -> None:
    """Record the update as handled (a no-op if it already is)."""
    await session.execute(insert_or_ignore(session, ProcessedUpdate, update_id=update_id, at=now))


async def prune(session: AsyncSession, now: datetime) -> int:
    """Forget updates older than a week (Telegram keeps undelivered updates for 24 hours)."""
    result = await session.execute(
        delete(ProcessedUpdate).where(ProcessedUpdate.at < now - KEEP_FOR)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def mark_handled(core: Core, update_id: int) -> None:
    """Remember the update once every handler has run."""
    async with core.unit() as uow:
        await mark(uow.session, update_id, uow.now)
