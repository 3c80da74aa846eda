"""Unknown Telegram accounts: remember them, and decide when admins hear about one."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit
from bot.services.audit import Actor
from storage.dialect import insert_or_ignore
from storage.models import AuditAction, StrangerContact


async def note_attempt(
    session: AsyncSession, telegram_user_id: int, now: datetime, interval: timedelta, what: str
) -> bool:
    """Record a stranger's attempt; return True when admins should be told about it now."""
    await session.execute(
        insert_or_ignore(
            session,
            StrangerContact,
            telegram_user_id=telegram_user_id,
            first_seen_at=now,
            last_seen_at=now,
            attempts=0,
        )
    )
    contact = await session.scalar(
        select(StrangerContact)
        .where(StrangerContact.telegram_user_id == telegram_user_id)
        .with_for_update()
    )
    assert contact is not None
    contact.attempts += 1
    contact.last_seen_at = now
    notify = contact.last_notified_at is None or now - contact.last_notified_at >= interval
    if notify:
        contact.last_notified_at = now
    audit.record(
        session,
        AuditAction.STRANGER_REFUSED,
        Actor(telegram_id=telegram_user_id, source="telegram"),
        now,
        subject_type="telegram_user",
        subject_id=telegram_user_id,
        what=what,
        admins_notified=notify,
    )
    return notify
