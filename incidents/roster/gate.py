"""The gate in front of every update, as use cases: who sent it, and what is owed to a
stranger who tries the bot. (An update delivered twice is dropped by the inbox before it.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from incidents import throttle
from incidents.core import Core
from incidents.roster import accounts, people, strangers
from incidents.roster.accounts import Account, Channel
from storage.models import Person, Role

__all__ = [
    "Admin",
    "Seen",
    "Sender",
    "StrangerNoted",
    "identify",
    "identify_account",
    "note_stranger",
    "note_stranger_account",
    "set_reachable",
]


class Sender(StrEnum):
    """Who an update comes from, as far as the gate is concerned."""

    MEMBER = "member"  # an active person on the roster
    STRANGER = "stranger"  # anyone else (not on the roster, or no longer active)


@dataclass(frozen=True, slots=True)
class Seen:
    """The sender of an update, and the roster person when it is a member."""

    sender: Sender
    person: Person | None = None


async def identify(core: Core, account_id: int) -> Seen:
    """Identify the sender of an update."""
    async with core.reading() as session:
        person = await people.find_by_telegram_id(session, account_id)
    if person is not None and person.active:
        return Seen(Sender.MEMBER, person)
    return Seen(Sender.STRANGER)


async def identify_account(core: Core, account: Account) -> Seen:
    """Identify the sender of an update on any channel."""
    async with core.reading() as session:
        person = await accounts.person_of(session, account)
    if person is not None and person.active:
        return Seen(Sender.MEMBER, person)
    return Seen(Sender.STRANGER)


async def set_reachable(core: Core, account: Account, *, reachable: bool) -> Person | None:
    """The account blocked the bot (or unblocked it): record it on the person it is bound to;
    return that person, None for an account bound to nobody."""
    async with core.unit() as uow:
        person = await accounts.person_of(uow.session, account)
        if person is not None:
            account.mark_reachable(person, uow.now, reachable=reachable)
        return person


@dataclass(frozen=True, slots=True)
class Admin:
    """An admin to tell, and where."""

    person_id: int
    chat_id: int


@dataclass(frozen=True, slots=True)
class StrangerNoted:
    """What is owed after a stranger's attempt: an answer (the first few times), and a notice
    to these admins (at most once per interval; none when there are no admins to tell)."""

    answer: bool
    admins: tuple[Admin, ...]
    at: datetime


async def note_stranger(core: Core, account_id: int) -> StrangerNoted:
    """Record and audit a Telegram stranger's attempt (see `note_stranger_account`)."""
    return await note_stranger_account(core, accounts.telegram(account_id))


async def note_stranger_account(core: Core, account: Account) -> StrangerNoted:
    """Record and audit a stranger's attempt on any channel, and say who is owed what. The
    attempt is recorded before anything is sent, so whoever sees the refusal can rely on the
    record. Admins are told on Telegram, where admins are reached today."""
    key = str(account.id) if account.channel is Channel.TELEGRAM else f"line:{account.id}"
    answer = await core.throttle.allow(throttle.STRANGER_ANSWERS, key)
    async with core.unit() as uow:
        admins = await people.reachable_with_role(uow.session, core.province_id, Role.ADMIN)
        notify = await strangers.note_account_attempt(
            uow.session,
            account,
            uow.now,
            core.rules.stranger_notice_interval,
            admins_to_tell=bool(admins),
        )
        told = tuple(
            Admin(admin.id, admin.telegram_user_id)
            for admin in admins
            if notify and admin.telegram_user_id is not None
        )
    return StrangerNoted(answer, told, uow.now)
