"""Unknown chat accounts: remember them, and decide when admins hear about one."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from incidents import audit
from incidents.roster import accounts
from incidents.roster.accounts import Account, Channel
from storage.dialect import insert_or_ignore
from storage.models import AuditAction, LineStrangerContact, StrangerContact


async def note_attempt(
    session: AsyncSession,
    telegram_user_id: int,
    now: datetime,
    interval: timedelta,
    *,
    admins_to_tell: bool,
) -> bool:
    """Record a Telegram stranger's attempt (see `note_account_attempt`)."""
    return await note_account_attempt(
        session, accounts.telegram(telegram_user_id), now, interval, admins_to_tell=admins_to_tell
    )


def _contacts(account: Account) -> tuple[type[StrangerContact | LineStrangerContact], Any]:
    if account.channel is Channel.TELEGRAM:
        return StrangerContact, StrangerContact.telegram_user_id
    return LineStrangerContact, LineStrangerContact.line_user_id


async def note_account_attempt(
    session: AsyncSession,
    account: Account,
    now: datetime,
    interval: timedelta,
    *,
    admins_to_tell: bool,
) -> bool:
    """Record a stranger's attempt; return True when admins should be told about it now.

    With no admin to tell (none has joined yet) the notice is not spent: it stays owed, and
    the first admin to join hears of it (see `untold`, Telegram accounts only for now).
    """
    model, key = _contacts(account)
    await session.execute(
        insert_or_ignore(
            session,
            model,
            **{key.key: account.id},
            first_seen_at=now,
            last_seen_at=now,
            attempts=0,
        )
    )
    contact: StrangerContact | LineStrangerContact | None = await session.scalar(
        select(model).where(key == account.id).with_for_update()
    )
    assert contact is not None
    contact.attempts += 1
    contact.last_seen_at = now
    due = contact.last_notified_at is None or now - contact.last_notified_at >= interval
    notify = admins_to_tell and due
    if notify:
        contact.last_notified_at = now
    await audit.record_refusal(
        session,
        audit.AuditEntry(
            AuditAction.STRANGER_REFUSED,
            account.actor(),
            now,
            subject_type=f"{account.channel.value}_user",
            subject_id=account.id,
        ),
    )
    return notify


# Attempts older than this are not worth a new admin's attention.
UNTOLD_WINDOW = timedelta(days=7)


async def untold(session: AsyncSession, now: datetime) -> Sequence[StrangerContact]:
    """Recent strangers no admin has heard of yet, marked as told (for an admin who joins)."""
    found = (
        await session.scalars(
            select(StrangerContact)
            .where(
                StrangerContact.last_notified_at.is_(None),
                StrangerContact.last_seen_at >= now - UNTOLD_WINDOW,
            )
            .order_by(StrangerContact.last_seen_at.desc())
            .with_for_update()
        )
    ).all()
    for contact in found:
        contact.last_notified_at = now
    return found
