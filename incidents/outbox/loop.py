"""The delivery loop: sending the outbox through a channel's sender until every row is out.

One loop runs in every process. It is woken the moment a unit of work that enqueued something
commits, claims the due head delivery of each chat (so messages reach a chat in the order they
were queued, and two processes never send the same row), sends them concurrently, and records
the outcome the sender reports: flood limits, timeouts and server errors put the row back with
a delay; a chat refused for good marks the recipient unreachable and tells the admins.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from incidents.clock import Clock
from incidents.observability import metrics
from incidents.outbox import queue as outbox
from incidents.outbox.delivery import (
    DeliveryHooks,
    OutcomeKind,
    Prepared,
    Sender,
    TimerSource,
    backoff,
)
from incidents.outbox.preparing import prepare, prepare_fresh
from incidents.outbox.render import Method, Renderer
from storage.db import Database
from storage.models import Delivery, DeliveryStatus

log = logging.getLogger(__name__)

IDLE_POLL_S = 2.0
STOP_GRACE_S = 20.0
TIMER_CHECK = timedelta(seconds=1)  # picks up rows other processes enqueued, and due retries
MAX_ATTEMPTS_FOR_BUGS = 8


class DeliveryLoop:
    """Drains the outbox through one sender and runs the timers kept in the database."""

    def __init__(
        self,
        db: Database,
        sender: Sender,
        clock: Clock,
        hooks: DeliveryHooks,
        renderer: Renderer,
        timers: Sequence[TimerSource] = (),
    ) -> None:
        self.db = db
        self.sender = sender
        self.clock = clock
        self.hooks = hooks
        self.renderer = renderer
        # Everything with timers in the database: reminders, escalation, instructions.
        self.timers: list[TimerSource] = list(timers)
        self._wake = asyncio.Event()
        self._stopping = False
        self._in_flight: set[asyncio.Task[None]] = set()
        # Rows this process is sending now (id -> claim token): never claimed again meanwhile,
        # and their leases are renewed while the send lasts.
        self._sending: dict[int, str] = {}
        self._next_timer: datetime | None = None
        self._timers_checked_at: datetime | None = None
        # Rounds begun and completed, for observers that must know a round has run since now.
        self.rounds_started = 0
        self.rounds_finished = 0

    def on_commit(self, info: dict[Any, Any]) -> None:
        """After a unit of work committed: send what it claimed for this process, and wake."""
        notes = outbox.take_notes(info)
        if notes.send_now:
            task = asyncio.create_task(self._send_now(notes.send_now), name="send-now")
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)
        if notes.wake:
            self._wake.set()

    async def _send_now(self, deliveries: list[Delivery]) -> None:
        """Send alerts the committing transaction claimed for this process (the fast path)."""
        prepared = [prepare_fresh(self.renderer, d) for d in deliveries]
        await asyncio.gather(
            *(self._deliver(d, p) for d, p in zip(deliveries, prepared, strict=True))
        )
        self._wake.set()  # their follow-ups (location, photos) may go now

    def wake(self) -> None:
        """Look at the outbox and the timers now."""
        self._wake.set()

    @property
    def in_flight(self) -> set[asyncio.Task[None]]:
        """Fast-path sends still running."""
        return set(self._in_flight)

    def stop(self) -> None:
        """Finish the round in progress and return from run()."""
        self._stopping = True
        self._wake.set()

    # ------------------------------------------------------------------ loop
    async def run(self) -> None:
        """Run until stop(); a failing round is logged and retried."""
        while not self._stopping:
            self._wake.clear()
            self.rounds_started += 1
            try:
                busy = await self.run_once()
                self.rounds_finished += 1
                timeout = 0.0 if busy else await self._idle_seconds()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("delivery round failed")
                self.rounds_finished += 1
                timeout = IDLE_POLL_S
            if timeout > 0 and not self._stopping:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout)

    async def run_once(self) -> int:
        """Fire due timers, then send one round of due deliveries; return how many were sent."""
        now = self.clock.now()
        if self._timers_may_be_due(now):
            async with self.db.write() as session:
                for source in self.timers:
                    await source.fire_due(session, now)
            self._timers_checked_at = now
        async with self.db.write() as session:
            claimed = list(await outbox.claim(session, now, exclude=self._sending.keys()))
        if not claimed:
            return 0
        async with self.db.read() as session:
            # One read for the round: its deliveries mostly share one incident.
            prepared = [await prepare(session, self.renderer, d) for d in claimed]
        await asyncio.gather(*(self._deliver(d, p) for d, p in zip(claimed, prepared, strict=True)))
        return len(claimed)

    def _timers_may_be_due(self, now: datetime) -> bool:
        """Skip the timer query on the hot path unless a timer is due or a second has passed
        (another process, or this one, may have set a nearer timer meanwhile)."""
        if self._timers_checked_at is None or self._next_timer is None:
            return True
        return now >= self._next_timer or now - self._timers_checked_at >= TIMER_CHECK

    async def _idle_seconds(self) -> float:
        now = self.clock.now()
        async with self.db.read() as session:
            dues = [await source.next_due(session) for source in self.timers]
            self._next_timer = min((d for d in dues if d is not None), default=None)
            candidates = [await outbox.next_due(session, now), self._next_timer]
        soonest = min((c for c in candidates if c is not None), default=None)
        if soonest is None:
            return IDLE_POLL_S
        return max(0.0, min(IDLE_POLL_S, (soonest - now).total_seconds()))

    async def renew_leases(self) -> None:
        """Keep the leases of long sends (flood waits, slow answers) from running out."""
        while True:
            await asyncio.sleep(outbox.LEASE.total_seconds() / 4)
            if self._sending:
                try:
                    async with self.db.write() as session:
                        await outbox.renew(session, dict(self._sending), self.clock.now())
                except Exception:
                    log.exception("renewing delivery leases failed")

    # -------------------------------------------------------------- one send
    async def _deliver(self, delivery: Delivery, prepared: Prepared) -> None:
        assert delivery.claim_token is not None
        self._sending[delivery.id] = delivery.claim_token
        try:
            await self._deliver_claimed(delivery, prepared)
        finally:
            self._sending.pop(delivery.id, None)

    async def _deliver_claimed(self, delivery: Delivery, prepared: Prepared) -> None:
        if prepared.error:
            await self._settle_error(delivery, prepared.error, bug=True)
            return
        if prepared.skip:
            log.info("delivery %s skipped: %s", delivery.id, prepared.skip)
            await self._finish(delivery, DeliveryStatus.SKIPPED, error=prepared.skip)
            return
        rendered, reply_to, target = prepared.rendered, prepared.reply_to, prepared.target
        if rendered is None or (rendered.method is Method.EDIT_TEXT and target is None):
            await self._finish(delivery, DeliveryStatus.SKIPPED)
            return
        if prepared.chat_id != delivery.chat_id:
            log.info("delivery %s goes to the person's new account", delivery.id)
            delivery.chat_id = prepared.chat_id
        outcome = await self.sender.send(delivery.chat_id, rendered, reply_to, target)
        match outcome.kind:
            case OutcomeKind.SENT:
                await self._finish(delivery, DeliveryStatus.SENT, message_id=outcome.message_id)
            case OutcomeKind.UNCHANGED:
                await self._finish(delivery, DeliveryStatus.SENT, message_id=target)
            case OutcomeKind.RETRY_AFTER:
                delay = outcome.retry_after
                log.warning("delivery %s: flood limit, retrying after %s", delivery.id, delay)
                await self._retry(delivery, self.clock.now() + delay, "retry_after")
            case OutcomeKind.UNREACHABLE:
                await self._unreachable(delivery, outcome.error)
            case OutcomeKind.REFUSED:
                log.error("delivery %s refused by the channel: %s", delivery.id, outcome.error)
                await self._finish(delivery, DeliveryStatus.FAILED, error=outcome.error)
            case OutcomeKind.TRANSIENT:
                log.warning("delivery %s: %s; will retry", delivery.id, outcome.error)
                await self._settle_error(delivery, outcome.error, bug=False)
            case OutcomeKind.UNEXPECTED:
                await self._settle_error(delivery, outcome.error, bug=True)

    # -------------------------------------------------------------- outcomes
    async def _finish(
        self,
        delivery: Delivery,
        status: DeliveryStatus,
        *,
        message_id: int | None = None,
        error: str = "",
    ) -> None:
        now = self.clock.now()
        async with self.db.write() as session:
            if not await outbox.finish(
                session,
                delivery,
                status,
                now,
                message_id=message_id,
                error=error,
                chat_id=delivery.chat_id,
            ):
                log.warning("delivery %s: claim lost before it was recorded", delivery.id)
                return
            delivery.status = status
            await self.hooks.on_delivered(session, delivery, now)
        metrics.delivery_settled(delivery, now)

    async def _retry(self, delivery: Delivery, at: datetime, error: str) -> None:
        async with self.db.write() as session:
            await outbox.retry_later(session, delivery, at, error)

    async def _settle_error(self, delivery: Delivery, error: str, *, bug: bool) -> None:
        """Retry with back-off; an unexpected error gives up after a few attempts."""
        if bug and delivery.attempts + 1 >= MAX_ATTEMPTS_FOR_BUGS:
            log.error(
                "delivery %s failed %d times, giving up: %s",
                delivery.id,
                delivery.attempts + 1,
                error,
            )
            await self._finish(delivery, DeliveryStatus.FAILED, error=error)
            return
        await self._retry(delivery, self.clock.now() + backoff(delivery.attempts), error)

    async def _unreachable(self, delivery: Delivery, reason: str) -> None:
        log.warning("delivery %s: chat unreachable (%s)", delivery.id, reason)
        now = self.clock.now()
        async with self.db.write() as session:
            if not await outbox.finish(session, delivery, DeliveryStatus.FAILED, now, error=reason):
                return
            delivery.status = DeliveryStatus.FAILED
            await self.hooks.on_unreachable(session, delivery, reason, now)
            await self.hooks.on_delivered(session, delivery, now)


@contextlib.asynccontextmanager
async def running(loop: DeliveryLoop) -> AsyncIterator[None]:
    """Keep the loop running for the duration of the block.

    At the end it finishes the sends in flight rather than cutting them off: a send cancelled
    half-way may have reached the channel without being recorded, and would go out again once
    its claim expired.
    """
    task = asyncio.create_task(loop.run(), name="delivery-loop")
    leases = asyncio.create_task(loop.renew_leases(), name="delivery-leases")
    try:
        yield
    finally:
        loop.stop()
        try:
            await asyncio.wait_for(
                asyncio.shield(asyncio.gather(task, *loop.in_flight)), STOP_GRACE_S
            )
        except TimeoutError:
            log.warning("delivery loop still busy after %.0f s; cancelling it", STOP_GRACE_S)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        leases.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await leases
