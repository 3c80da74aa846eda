"""Chat accounts a person is reached on: which channel, the account's id there, and where the
roster keeps it. The one place that knows a channel's columns, so use cases stay generic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.audit import Actor, ActorSource
from storage.models import Channel, Invite, Person

__all__ = ["Account", "Channel"]


@dataclass(frozen=True, slots=True)
class Account:
    """One account on one channel: a Telegram user id (int) or a LINE user id (str)."""

    channel: Channel
    id: int | str

    def actor(self, person_id: int | None = None) -> Actor:
        """The account as an audited actor (a LINE id is kept as the label: the audit trail
        has a column for Telegram ids only)."""
        if self.channel is Channel.TELEGRAM:
            assert isinstance(self.id, int)
            return Actor(person_id=person_id, telegram_id=self.id, source=ActorSource.TELEGRAM)
        return Actor(person_id=person_id, label=f"line:{self.id}", source=ActorSource.LINE)

    def is_bound_column(self) -> ColumnElement[bool]:
        """The condition on Person that finds the person this account is bound to."""
        if self.channel is Channel.TELEGRAM:
            return Person.telegram_user_id == self.id
        return Person.line_user_id == self.id

    def bound_id(self, person: Person) -> int | str | None:
        """The account of this channel the person is bound to now, if any."""
        return person.telegram_user_id if self.channel is Channel.TELEGRAM else person.line_user_id

    def bind(self, person: Person, now: datetime) -> None:
        """Bind this account to the person (replacing their earlier one on this channel)."""
        if self.channel is Channel.TELEGRAM:
            assert isinstance(self.id, int)
            person.telegram_user_id, person.joined_at = self.id, now
        else:
            assert isinstance(self.id, str)
            person.line_user_id, person.line_joined_at = self.id, now
            person.line_unreachable_since = None
        person.updated_at = now

    def mark_reachable(self, person: Person, now: datetime, *, reachable: bool) -> bool:
        """Record that the account can (or, blocked, cannot) be sent to; True if it changed."""
        attr = "unreachable_since" if self.channel is Channel.TELEGRAM else "line_unreachable_since"
        was = getattr(person, attr)
        if reachable == (was is None):
            return False
        setattr(person, attr, None if reachable else now)
        person.updated_at = now
        return True

    def invite_use(self) -> dict[str, Any]:
        """The invite columns that record who used it."""
        if self.channel is Channel.TELEGRAM:
            return {"used_by_telegram_id": self.id}
        return {"used_by_line_user_id": self.id}

    def used(self, invite: Invite) -> bool:
        """Whether this account is the one that used the invite."""
        if self.channel is Channel.TELEGRAM:
            return invite.used_by_telegram_id == self.id
        return invite.used_by_line_user_id == self.id


def telegram(user_id: int) -> Account:
    """A Telegram account."""
    return Account(Channel.TELEGRAM, user_id)


def line(user_id: str) -> Account:
    """A LINE account."""
    return Account(Channel.LINE, user_id)


async def person_of(session: AsyncSession, account: Account) -> Person | None:
    """The person the account is bound to, if any."""
    return await session.scalar(select(Person).where(account.is_bound_column()))
