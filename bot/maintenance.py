"""Work done on a timer: expiring abandoned drafts, ending drills past their end time,
forgetting old update ids, and once a day the retention periods (incidents.records.retention)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import timedelta

from telegram import Bot

from bot.runtime import Runtime
from incidents.audit import Actor, ActorSource
from incidents.drills import ending as drill_ending
from incidents.inbox import store as inbox
from incidents.outbox import replies
from incidents.records import retention, signin
from incidents.reports import drafting
from incidents.text import report as report_texts

log = logging.getLogger(__name__)

INTERVAL_S = 30.0
RETENTION_EVERY = timedelta(days=1)
RETENTION_ACTOR = Actor(label="retention", source=ActorSource.DISPATCHER)


async def expire_drafts(runtime: Runtime, bot: Bot) -> int:
    """Expire drafts left alone past DRAFT_TTL_MINUTES and tell their owners (through the
    outbox, so a network error delays the notice rather than losing it); return how many."""
    expired = await drafting.expire_abandoned(runtime.core)
    notices = []
    for draft in expired:
        log.info("report draft %s expired", draft.draft_id)
        if draft.chat_id is not None:
            notices.append(replies.reply(draft.chat_id, report_texts.EXPIRED))
    if notices:
        await replies.send(runtime.core, *notices)
    return len(expired)


async def run_once(runtime: Runtime, bot: Bot) -> None:
    """One round of every periodic job."""
    await expire_drafts(runtime, bot)
    for drill_id in await drill_ending.end_due(runtime.core):
        log.info("drill %s ended at its end time", drill_id)
    async with runtime.db.write() as session:
        await inbox.prune(session, runtime.clock.now())
        await signin.prune(session, runtime.clock.now())
    await apply_retention(runtime)


async def apply_retention(runtime: Runtime) -> retention.Purged | None:
    """The retention periods, once a day per process (the first round after a start, then
    every 24 hours); applying them twice, on two replicas, changes nothing more."""
    now = runtime.clock.now()
    last = runtime.retention_applied_at
    if last is not None and now - last < RETENTION_EVERY:
        return None
    runtime.retention_applied_at = now
    done = await retention.purge(runtime.core, RETENTION_ACTOR, dry_run=False)
    log.info(
        "retention: %d audit rows removed, %d files removed, %d texts masked",
        done.audit_rows,
        done.files,
        done.texts_redacted,
    )
    return done


async def run_forever(runtime: Runtime, bot: Bot, interval: float = INTERVAL_S) -> None:
    """Run the periodic jobs until cancelled; one failing round is logged, not fatal."""
    while True:
        try:
            await run_once(runtime, bot)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("maintenance round failed")
        await asyncio.sleep(interval)


@contextlib.asynccontextmanager
async def running(runtime: Runtime, bot: Bot, interval: float = INTERVAL_S) -> AsyncIterator[None]:
    """Keep the maintenance loop running for the duration of the block."""
    task = asyncio.create_task(run_forever(runtime, bot, interval), name="maintenance")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
