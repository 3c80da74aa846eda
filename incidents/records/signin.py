"""Signing in to the web log: single-use links sent by the bot, and sessions in the database.

Neither a link token nor a session id is stored: only their SHA-256 (both are long and random,
so a plain hash is enough), so a copy of the database opens no session.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from incidents import audit
from incidents.audit import Actor, ActorSource
from storage.models import AuditAction, Person, WebLoginToken, WebSession

LINK_TTL = timedelta(minutes=10)
TOKEN_BYTES = 32


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def actor_of(person: Person, source: str) -> Actor:
    """The audit actor for a signed-in person at a client address."""
    return Actor(person_id=person.id, label=person.name, source=source)


@dataclass(frozen=True, slots=True)
class IssuedLink:
    """A fresh token (shown once in the link, never stored) and its expiry."""

    token: str
    expires_at: datetime


async def issue_link(
    session: AsyncSession, person: Person, now: datetime, source: str = ActorSource.TELEGRAM
) -> IssuedLink:
    """Create a single-use sign-in token for `person`, valid for ten minutes."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    row = WebLoginToken(
        person_id=person.id, token_hash=_hash(token), created_at=now, expires_at=now + LINK_TTL
    )
    session.add(row)
    await session.flush()
    audit.record(
        session,
        AuditAction.WEB_LINK_ISSUED,
        actor_of(person, source),
        now,
        subject_type="web_login_token",
        subject_id=row.id,
    )
    return IssuedLink(token, row.expires_at)


class LoginRefusal(StrEnum):
    """Why a sign-in link did not open a session."""

    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    INACTIVE = "inactive"
    TOO_MANY = "too_many"  # this address tried too often


async def refuse_login(
    session: AsyncSession,
    refusal: LoginRefusal,
    now: datetime,
    source: str,
    person: Person | None = None,
    token_id: int | None = None,
) -> None:
    """Audit a refused sign-in; repeats from one address are counted on one row."""
    entry = audit.AuditEntry(
        AuditAction.WEB_LOGIN_REFUSED,
        Actor(person_id=person.id if person else None, source=source),
        now,
        subject_type="web_login_token",
        subject_id=token_id if token_id is not None else "",
        detail={"reason": refusal.value},
    )
    await audit.record_refusal(session, entry)


@dataclass(frozen=True, slots=True)
class Opened:
    """A new session: the raw id for the cookie (never stored) and how long it lasts."""

    session_id: str
    lifetime: timedelta


def _refusal(row: WebLoginToken | None, now: datetime) -> LoginRefusal | None:
    if row is None:
        return LoginRefusal.UNKNOWN
    if row.used_at is not None:
        return LoginRefusal.USED
    if row.expires_at <= now:
        return LoginRefusal.EXPIRED
    return None


async def _token_row(session: AsyncSession, token: str) -> WebLoginToken | None:
    return await session.scalar(
        select(WebLoginToken).where(WebLoginToken.token_hash == _hash(token))
    )


async def peek_link(session: AsyncSession, token: str, now: datetime) -> LoginRefusal | None:
    """Whether a link could still be used (the confirm page asks before spending it)."""
    return _refusal(await _token_row(session, token), now)


async def _claim(session: AsyncSession, row: WebLoginToken, now: datetime) -> bool:
    """Mark the token used; of two concurrent requests only one sees a row updated."""
    claimed = await session.execute(
        update(WebLoginToken)
        .where(WebLoginToken.id == row.id, WebLoginToken.used_at.is_(None))
        .values(used_at=now)
    )
    return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]


async def redeem(
    session: AsyncSession, token: str, now: datetime, ttl: timedelta, source: str
) -> Opened | LoginRefusal:
    """Spend the token once and open a session; anything else is refused and audited."""
    row = await _token_row(session, token)
    person = await session.get(Person, row.person_id) if row is not None else None
    refusal = _refusal(row, now)
    if refusal is None and (person is None or not person.active):
        refusal = LoginRefusal.INACTIVE
    if refusal is None and row is not None and not await _claim(session, row, now):
        refusal = LoginRefusal.USED
    if refusal is not None or person is None:
        await refuse_login(
            session, refusal or LoginRefusal.UNKNOWN, now, source, person, row.id if row else None
        )
        return refusal or LoginRefusal.UNKNOWN
    session_id = secrets.token_urlsafe(TOKEN_BYTES)
    opened = WebSession(
        person_id=person.id,
        session_hash=_hash(session_id),
        csrf_token=secrets.token_urlsafe(TOKEN_BYTES),
        created_at=now,
        expires_at=now + ttl,
        source=source[:64],
    )
    session.add(opened)
    await session.flush()
    audit.record(
        session,
        AuditAction.WEB_LOGIN,
        actor_of(person, source),
        now,
        subject_type="web_session",
        subject_id=opened.id,
    )
    return Opened(session_id, ttl)


async def find_session(session: AsyncSession, session_id: str, now: datetime) -> WebSession | None:
    """The live session for a cookie value, with an active person; None otherwise."""
    row = await session.scalar(
        select(WebSession).where(
            WebSession.session_hash == _hash(session_id),
            WebSession.ended_at.is_(None),
            WebSession.expires_at > now,
        )
    )
    if row is None or not row.person.active:
        return None
    return row


async def end_session(
    session: AsyncSession, session_row_id: int, now: datetime, source: str
) -> None:
    """Log out: the session stops working at once."""
    row = await session.get(WebSession, session_row_id)
    if row is None or row.ended_at is not None:
        return
    row.ended_at = now
    audit.record(
        session,
        AuditAction.WEB_LOGOUT,
        actor_of(row.person, source),
        now,
        subject_type="web_session",
        subject_id=row.id,
    )


# Spent links and finished sessions are kept a while for whoever investigates the audit trail
# (which names them by id), then forgotten.
KEEP_FINISHED = timedelta(days=30)


async def prune(session: AsyncSession, now: datetime) -> None:
    """Forget links and sessions that ended more than KEEP_FINISHED ago."""
    cutoff = now - KEEP_FINISHED
    await session.execute(delete(WebLoginToken).where(WebLoginToken.expires_at < cutoff))
    await session.execute(
        delete(WebSession).where(
            (WebSession.expires_at < cutoff)
            | (WebSession.ended_at.is_not(None) & (WebSession.ended_at < cutoff))
        )
    )
