"""The core as the adapters hold it, and the unit of work every use case opens for itself.

A use case is a function of the core, e.g. `await reports.confirm(core, member, token)`: it
opens `async with core.unit() as uow:`, does its work in that one transaction, and returns an
outcome for the adapter to render. Adapters (Telegram handlers, web routes, the CLI) never open
a transaction themselves.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from incidents import audit
from incidents.clock import Clock
from incidents.config import Rules
from incidents.events import EventBus
from incidents.inbox import handling as inbox_handling
from incidents.outbox import queue as outbox
from incidents.outbox import replies
from incidents.provinces import ProvinceData
from incidents.throttle import Throttle
from storage.db import Database

# How long a use case waits for the alerts its unit of work started sending (see Core.unit).
ALERTS_FIRST_S = 0.5


@dataclass(slots=True)
class UnitOfWork:
    """One transaction of a use case, and what to do once it has committed."""

    core: Core
    session: AsyncSession
    now: datetime
    _after_commit: list[Callable[[], None]] = field(default_factory=list)

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Call `callback` once this unit of work has committed (never if it rolls back)."""
        if callback not in self._after_commit:
            self._after_commit.append(callback)


@dataclass(slots=True)
class Core:
    """Everything a use case needs: the database, the clock, the deployment's rules and
    province, and the event bus whose subscriptions the composition root wires."""

    db: Database
    clock: Clock
    rules: Rules
    province: ProvinceData
    province_id: int
    events: EventBus
    throttle: Throttle = field(default_factory=Throttle)

    @asynccontextmanager
    async def unit(self) -> AsyncIterator[UnitOfWork]:
        """A unit of work: committed at the end, rolled back on error. A refusal rolls it back
        whole and keeps only the refusal's audit entry, then propagates."""
        callbacks: list[Callable[[], None]] = []
        said: list[replies.Reply] = []
        committed: dict[Any, Any] = {}
        try:
            async with self.db.write() as session:
                committed = session.info
                uow = UnitOfWork(self, session, self.clock.now())
                yield uow
                # The replies made so far go with the effects they report, atomically.
                said = replies.take()
                await replies.write(session, uow.now, said)
                # The update being handled is done in the transaction of its effects.
                settled = await inbox_handling.settle_in(session, uow.now)
                if settled is not None:
                    uow.after_commit(settled.note_marked)
                callbacks = uow._after_commit
        except audit.Refused as refused:
            replies.give_back(said)
            if refused.audit is not None:
                async with self.db.write() as session:
                    await audit.record_refusal(session, refused.audit)
            raise
        except BaseException:
            replies.give_back(said)
            raise
        # Alerts first: the alerts this unit started sending get the event loop to themselves
        # until the channel has answered them, before the use case goes on to its own replies
        # and calls (the reporter's confirmation, the button's answer), which would otherwise
        # compete with them for it and make the last executive's alert later.
        await outbox.wait_alerts_sent(committed, ALERTS_FIRST_S)
        for callback in callbacks:
            callback()

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """A session for a use case that only reads."""
        async with self.db.read() as session:
            yield session
