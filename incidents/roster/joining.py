"""Joining, as use cases: opening an invitation, and what a newly joined admin is owed (the
strangers no admin could be told about before)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from incidents.core import Core
from incidents.roster import accounts, invites, strangers
from incidents.roster.accounts import Account
from incidents.roster.invites import JoinOutcome, JoinResult

__all__ = [
    "JoinOutcome",
    "JoinResult",
    "StrangerSeen",
    "bind",
    "join",
    "strangers_for_new_admin",
]


async def join(core: Core, code: str, account_id: int) -> JoinResult:
    """Bind the Telegram account to the invited person, once; every refusal is audited."""
    return await bind(core, code, accounts.telegram(account_id))


async def bind(core: Core, code: str, account: Account) -> JoinResult:
    """Bind the account, on whichever channel, to the invited person, once; every refusal is
    audited."""
    async with core.unit() as uow:
        return await invites.accept(uow.session, code, account, uow.now)


@dataclass(frozen=True, slots=True)
class StrangerSeen:
    """A stranger's account, how often it tried, and when it was last seen."""

    account_id: int
    attempts: int
    last_seen_at: datetime


async def strangers_for_new_admin(core: Core) -> list[StrangerSeen]:
    """Recent strangers no admin has heard of yet, marked as told now."""
    async with core.unit() as uow:
        untold = await strangers.untold(uow.session, uow.now)
        return [StrangerSeen(c.telegram_user_id, c.attempts, c.last_seen_at) for c in untold]
