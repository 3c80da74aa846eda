"""The running instances of one deployment, and whose claims are still good.

Each process runs under a stable name (INSTANCE_NAME; by default the host and web port) and
keeps a heartbeat row. Inbox and outbox rows are claimed in that name. A claim is good while
its instance beats; once the heartbeat is older than `DEAD_AFTER` anyone may take the row.
A process that starts under a name takes back that name's claims at once: they are its own,
left by the life that ended (killed, crashed), and nobody else is working on them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.clock import Clock
from storage.db import Database
from storage.models import Delivery, InboxUpdate, Instance

log = logging.getLogger(__name__)

HEARTBEAT_EVERY = timedelta(seconds=2)
DEAD_AFTER = timedelta(seconds=8)
# A stopped instance beats "never": its claims are free the moment it has stopped.
_STOPPED = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Me:
    """This process: its stable name and this life's incarnation."""

    name: str
    incarnation: str


def claim_is_free(claimed_by: Any, me: Any, dead_before: Any) -> ColumnElement[bool]:
    """A row whose claim nobody holds: none, or its instance's last beat is before
    `dead_before` (now - DEAD_AFTER; a value, or a bound parameter of a prepared query).

    The caller excludes the rows this process is working on; any other row claimed in its own
    name is left over from an earlier life and is free too.
    """
    dead = select(Instance.name).where(Instance.heartbeat_at < dead_before)
    return claimed_by.is_(None) | (claimed_by == me) | claimed_by.in_(dead)  # type: ignore[no-any-return]


async def register(session: AsyncSession, name: str, now: datetime) -> Me:
    """Start a life under `name`: beat now, and release what the last life held."""
    me = Me(name=name, incarnation=secrets.token_hex(8))
    row = await session.get(Instance, name)
    if row is None:
        session.add(
            Instance(name=name, incarnation=me.incarnation, started_at=now, heartbeat_at=now)
        )
    else:
        if row.heartbeat_at >= now - DEAD_AFTER:
            log.warning(
                "instance %s beat %.0f s ago: a restart, or two processes share one "
                "INSTANCE_NAME (each replica needs its own)",
                name,
                (now - row.heartbeat_at).total_seconds(),
            )
        row.incarnation, row.started_at, row.heartbeat_at = me.incarnation, now, now
    for model in (InboxUpdate, Delivery):
        await session.execute(update(model).where(model.claimed_by == name).values(claimed_by=None))
    return me


async def beat(session: AsyncSession, me: Me, now: datetime) -> None:
    """Say this instance is alive."""
    await session.execute(update(Instance).where(Instance.name == me.name).values(heartbeat_at=now))


async def live(session: AsyncSession, now: datetime) -> list[Instance]:
    """The instances beating now."""
    rows = await session.scalars(
        select(Instance).where(Instance.heartbeat_at >= now - DEAD_AFTER).order_by(Instance.name)
    )
    return list(rows.all())


@contextlib.asynccontextmanager
async def running(db: Database, name: str, clock: Clock) -> AsyncIterator[Me]:
    """Register, beat every couple of seconds for the block, and stop beating at the end
    (a clean stop frees this instance's remaining claims for the others at once)."""
    async with db.write() as session:
        me = await register(session, name, clock.now())
    log.info("instance %s started", name)

    async def heartbeat() -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_EVERY.total_seconds())
            try:
                async with db.write() as session:
                    await beat(session, me, clock.now())
            except Exception:
                log.exception("instance heartbeat failed; retrying")

    task = asyncio.create_task(heartbeat(), name="instance-heartbeat")
    try:
        yield me
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        with contextlib.suppress(Exception):
            async with db.write() as session:
                await session.execute(
                    update(Instance)
                    .where(Instance.name == me.name, Instance.incarnation == me.incarnation)
                    .values(heartbeat_at=_STOPPED)
                )
