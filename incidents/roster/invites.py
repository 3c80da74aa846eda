"""Invitations: single-use, expiring codes that bind a chat account (Telegram or LINE) to a
roster person."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from incidents import audit
from incidents.audit import Actor
from incidents.roster import accounts
from incidents.roster.accounts import Account
from storage.models import AuditAction, Invite, Person

# Telegram allows 1-64 characters of [A-Za-z0-9_-] in a /start payload; 24 keeps links short
# while giving 144 random bits.
CODE_BYTES = 18


class InviteError(Exception):
    """An invitation cannot be created for this person."""


class JoinOutcome(StrEnum):
    """What happened when someone opened an invitation."""

    JOINED = "joined"
    ALREADY_JOINED = "already_joined"
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    INACTIVE = "inactive"
    ACCOUNT_TAKEN = "account_taken"


@dataclass(frozen=True, slots=True)
class JoinResult:
    """The outcome, and the person when the account is (now) bound to them."""

    outcome: JoinOutcome
    person: Person | None = None


@dataclass(frozen=True, slots=True)
class IssuedInvite:
    """A fresh code (shown once, never stored) and its expiry."""

    code: str
    expires_at: datetime
    person: Person


def new_code() -> str:
    """A fresh random code that begins with a letter or digit: a leading "-" would make a
    spreadsheet take it for a formula (the invitation sheet then guards the cell with an
    apostrophe, which the person would copy), and reads like an option on a command line."""
    while True:
        code = secrets.token_urlsafe(CODE_BYTES)
        if code[0].isalnum():
            return code


def hash_code(code: str) -> str:
    """The stored form of a code: codes are long and random, so plain SHA-256 is enough."""
    return hashlib.sha256(code.strip().encode("utf-8")).hexdigest()


def deep_link(bot_username: str, code: str) -> str:
    """The t.me link that opens the bot and sends `/start <code>`."""
    return f"https://t.me/{bot_username.lstrip('@')}?start={code}"


async def issue(
    session: AsyncSession, person: Person, now: datetime, ttl: timedelta, actor: Actor
) -> IssuedInvite:
    """Create a code for `person`; earlier unused codes for them stop working."""
    if not person.active:
        raise InviteError(
            f"{person.roster_id} is deactivated; set active=yes for them in the roster file "
            "and import it first"
        )
    await session.execute(
        update(Invite)
        .where(Invite.person_id == person.id, Invite.used_at.is_(None), Invite.expires_at > now)
        .values(expires_at=now)
    )
    code = new_code()
    invite = Invite(
        person_id=person.id,
        code_hash=hash_code(code),
        created_at=now,
        expires_at=now + ttl,
        created_by=actor.label or actor.source,
    )
    session.add(invite)
    await session.flush()
    audit.record(
        session,
        AuditAction.INVITE_CREATED,
        actor,
        now,
        subject_type="person",
        subject_id=person.id,
        invite_id=invite.id,
        expires_at=invite.expires_at.isoformat(),
    )
    return IssuedInvite(code=code, expires_at=invite.expires_at, person=person)


async def accept(session: AsyncSession, code: str, account: Account, now: datetime) -> JoinResult:
    """Bind the chat account to the invited person, once; refuse everything else. The same
    rules on every channel: a person may hold one account per channel."""
    actor = account.actor()
    invite = await session.scalar(select(Invite).where(Invite.code_hash == hash_code(code)))
    bound = await accounts.person_of(session, account)

    async def refuse(outcome: JoinOutcome, person: Person | None = None) -> JoinResult:
        entry = audit.AuditEntry(
            AuditAction.INVITE_REFUSED,
            actor,
            now,
            subject_type="invite",
            subject_id=invite.id if invite else "",
            detail={"reason": outcome.value},
        )
        await audit.record_refusal(session, entry)
        return JoinResult(outcome, person)

    if invite is None:
        return await refuse(JoinOutcome.UNKNOWN)
    person = invite.person
    if invite.used_at is not None:
        if bound is not None and bound.id == person.id and person.active and account.used(invite):
            # The same code sent twice (Telegram resends /start on every tap): not an error.
            return JoinResult(JoinOutcome.ALREADY_JOINED, person)
        return await refuse(JoinOutcome.USED)
    if invite.expires_at <= now:
        return await refuse(JoinOutcome.EXPIRED)
    if not person.active:
        return await refuse(JoinOutcome.INACTIVE)
    if bound is not None and bound.id != person.id:
        return await refuse(JoinOutcome.ACCOUNT_TAKEN)

    # Claim the code atomically: of two concurrent taps only one sees a row updated.
    claimed = await session.execute(
        update(Invite)
        .where(Invite.id == invite.id, Invite.used_at.is_(None))
        .values(used_at=now, **account.invite_use())
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return await refuse(JoinOutcome.USED)
    earlier = account.bound_id(person)
    replaced = earlier is not None and earlier != account.id
    account.bind(person, now)
    audit.record(
        session,
        AuditAction.INVITE_ACCEPTED,
        account.actor(person.id),
        now,
        subject_type="invite",
        subject_id=invite.id,
        channel=account.channel.value,
        replaced_previous_account=replaced,
    )
    await session.flush()
    return JoinResult(JoinOutcome.JOINED, person)
