"""The inbox worker: hands each stored update to its channel's handler, lane by lane.

One worker runs in every process. It is given the updates its own intake just stored (claimed
in the same transaction, so the fast path costs no extra round trip) and claims the rest from
the database: updates left by a restart, by a dead replica, or stored by another replica.
Different lanes run side by side; one lane (one person) runs one update at a time, in order.
A handler that fails on a network error has its update handled again after a pause; one that
fails on a bug is retried a few times, then kept as failed for the operator.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from datetime import timedelta

from incidents.clock import Clock
from incidents.inbox import handling, store
from incidents.observability import metrics
from incidents.outbox.delivery import backoff
from storage.db import Database
from storage.models import InboxUpdate

log = logging.getLogger(__name__)

Handler = Callable[[InboxUpdate], Awaitable[None]]

IDLE_POLL_S = 1.0  # picks up updates another replica stored, and retries that fell due
MAX_ATTEMPTS_FOR_BUGS = 5
MAX_RUNNING = 64
STOP_GRACE_S = 15.0


class InboxWorker:
    """Runs the handlers of pending inbox updates until stopped."""

    def __init__(
        self, db: Database, clock: Clock, me: str, handlers: Mapping[str, Handler]
    ) -> None:
        self.db = db
        self.clock = clock
        self.me = me
        self.handlers = dict(handlers)
        self._wake = asyncio.Event()
        self._stopping = False
        self._running: dict[int, asyncio.Task[None]] = {}
        self._slots = asyncio.Semaphore(MAX_RUNNING)
        # Updates taken before the application is ready wait for running() to open.
        self._open = asyncio.Event()
        self.handled = 0

    def take(self, rows: list[InboxUpdate]) -> None:
        """Handle rows the intake stored and claimed for this process.

        The claim round is not woken: these rows are in hand, and a round now would take the
        write lock while their handlers start, for nothing (on SQLite it held the handler's
        first read by a few milliseconds). Each handler that ends wakes the round (`_done`),
        which then finds whatever waits behind it.
        """
        for row in rows:
            self._start(row)

    def open(self) -> None:
        """Let taken and claimed updates reach their handlers (the application is ready)."""
        self._open.set()

    async def drain(self) -> None:
        """Wait until every update in hand has been handled and settled."""
        while self._running:
            await asyncio.gather(*self._running.values(), return_exceptions=True)

    def wake(self) -> None:
        """Look for claimable updates now."""
        self._wake.set()

    def stop(self) -> None:
        """Finish what is running and return from run()."""
        self._stopping = True
        self._wake.set()

    def running_ids(self) -> list[int]:
        """The updates being handled now."""
        return list(self._running)

    async def run(self) -> None:
        """Claim and start updates until stop(); a failing round is logged and retried."""
        while not self._stopping:
            self._wake.clear()
            timeout = IDLE_POLL_S
            try:
                started = await self.run_once()
                timeout = 0.0 if started and len(self._running) < MAX_RUNNING else IDLE_POLL_S
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("inbox round failed")
            if timeout > 0 and not self._stopping:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout)

    async def run_once(self) -> int:
        """Claim what is due and start it; return how many were started."""
        room = MAX_RUNNING - len(self._running)
        if room <= 0:
            return 0
        now = self.clock.now()
        async with self.db.write() as session:
            rows = list(
                await store.claim(session, self.me, now, exclude=self._running.keys(), limit=room)
            )
        for row in rows:
            self._start(row)
        return len(rows)

    def _start(self, row: InboxUpdate) -> None:
        if row.id in self._running:
            return
        task = asyncio.create_task(self._handle(row), name=f"inbox-{row.id}")
        self._running[row.id] = task
        task.add_done_callback(functools.partial(self._done, row.id))

    def _done(self, row_id: int, _task: asyncio.Task[None]) -> None:
        self._running.pop(row_id, None)
        # The lane's next update may go now.
        self._wake.set()

    async def _handle(self, row: InboxUpdate) -> None:
        await self._open.wait()
        async with self._slots:
            with handling.handling(row.id) as scope:
                handler = self.handlers.get(row.channel)
                try:
                    if handler is None:
                        raise LookupError(f"no handler for channel {row.channel!r}")
                    await handler(row)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    log.exception("handling inbox update %s failed", row.id)
                    handling.note_failure(f"{type(exc).__name__}: {exc}", transient=False)
                await self._settle(row, scope)
                metrics.update_handled(row.received_at, self.clock.now(), failed=bool(scope.error))

    async def _settle(self, row: InboxUpdate, scope: handling.Handling) -> None:
        """Settle what the handler's own units of work did not."""
        self.handled += 1
        if scope.marked:
            return
        now = self.clock.now()
        try:
            async with self.db.write() as session:
                if not scope.error:
                    await store.mark_done(session, row.id, now)
                    return
                give_up = not scope.transient and row.attempts + 1 >= MAX_ATTEMPTS_FOR_BUGS
                delay = backoff(row.attempts) if not scope.transient else _transient(row)
                await store.retry_later(session, row.id, now + delay, scope.error, give_up=give_up)
            if give_up:
                log.error(
                    "inbox update %s failed %d times; kept as failed", row.id, row.attempts + 1
                )
            else:
                log.warning("inbox update %s will be handled again: %s", row.id, scope.error)
        except Exception:
            # The claim stays ours; the next start (or a live replica, if we die) takes it.
            log.exception("settling inbox update %s failed", row.id)


def _transient(row: InboxUpdate) -> timedelta:
    """A network error: again soon, backing off to at most a minute."""
    return min(backoff(row.attempts), timedelta(seconds=60))


@contextlib.asynccontextmanager
async def running(worker: InboxWorker) -> AsyncIterator[None]:
    """Keep the worker running for the block; at the end let the updates in hand finish."""
    worker.open()
    task = asyncio.create_task(worker.run(), name="inbox-worker")
    try:
        yield
    finally:
        worker.stop()
        pending = [task, *worker._running.values()]
        try:
            await asyncio.wait_for(asyncio.shield(asyncio.gather(*pending)), STOP_GRACE_S)
        except TimeoutError:
            log.warning("inbox worker still busy after %.0f s; cancelling", STOP_GRACE_S)
            for t in pending:
                t.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
