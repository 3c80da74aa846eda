"""The delivery loop: sending the outbox through a channel's sender until every row is out.

One loop runs in every process, under the process's instance name. It is woken the moment a
unit of work that enqueued something commits, and claims the due head delivery of each lane
(so an alert, its follow-ups and its edits reach a chat in order, and two processes never
send the same row). Every claimed row is its own task: the loop keeps claiming while sends
are in flight, up to a cap, so a hung send holds only its own lane. How each outcome is
recorded is settling.Settler's part: flood limits, timeouts and server errors put the row
back with a delay; a chat refused for good marks the recipient unreachable and tells the
admins; anything unexpected is retried a few times, then given up and reported.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import inspect

from incidents.clock import Clock
from incidents.outbox import queue as outbox
from incidents.outbox.delivery import AccountSender, DeliveryHooks, Prepared, Sender, TimerSource
from incidents.outbox.preparing import prepare, prepare_fresh
from incidents.outbox.render import Renderer
from incidents.outbox.settling import MAX_ATTEMPTS_FOR_BUGS, NotRecordedError, Settler
from storage.db import Database
from storage.models import Channel, Delivery, DeliveryKind

__all__ = ["MAX_ATTEMPTS_FOR_BUGS", "MAX_SENDING", "DeliveryLoop", "running"]

log = logging.getLogger(__name__)

IDLE_POLL_S = 2.0
STOP_GRACE_S = 20.0
TIMER_CHECK = timedelta(seconds=1)  # picks up rows other processes enqueued, and due retries
MAX_SENDING = 64  # deliveries in flight at once, per process


class DeliveryLoop:
    """Drains the outbox through the channels' senders and runs the timers kept in the
    database."""

    def __init__(
        self,
        db: Database,
        sender: Sender,
        clock: Clock,
        hooks: DeliveryHooks,
        renderer: Renderer,
        timers: Sequence[TimerSource] = (),
        *,
        me: str,
        max_sending: int = MAX_SENDING,
        accounts: Mapping[Channel, AccountSender] | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.renderer = renderer
        self.me = me  # the instance (incidents.instances) the claims are made in
        # Telegram's sender, and those of the channels whose accounts are strings (LINE).
        self.settler = Settler(db, sender, clock, hooks, accounts)
        # Everything with timers in the database: reminders, escalation, instructions.
        self.timers: list[TimerSource] = list(timers)
        self.max_sending = max_sending
        self._wake = asyncio.Event()
        self._stopping = False
        # Rows this process is sending now, each its own task; never claimed again meanwhile.
        self._sending: dict[int, asyncio.Task[None]] = {}
        # Rows claimed in our name whose outcome could not be recorded: taken back later.
        self._stranded: set[int] = set()
        self._lanes_checked = False
        self._next_timer: datetime | None = None
        self._timers_checked_at: datetime | None = None
        # Rounds begun and completed, for observers that must know a round has run since now.
        self.rounds_started = 0
        self.rounds_finished = 0

    def attach(self) -> None:
        """Make this loop the database's: what a unit of work enqueues with `send_now` is
        claimed in this loop's name and sent the moment it commits, and every commit that
        queued something wakes the loop."""
        info = dict(self.db.sessions.kw.get("info") or {})
        info[outbox.SENDER] = self.me
        self.db.sessions.configure(info=info)
        self.db.after_commit(self.on_commit)

    def on_commit(self, info: dict[Any, Any]) -> None:
        """After a unit of work committed: send what it claimed for this process, and wake."""
        notes = outbox.take_notes(info)
        for delivery in notes.send_now:
            # A just-filed alert, or a reply, renders from the objects its own transaction
            # wrote (nothing to load); anything else is read as any claimed row is.
            fresh = (delivery.kind is DeliveryKind.MESSAGE and delivery.person_id is None) or (
                delivery.kind is DeliveryKind.ALERT and "incident" not in inspect(delivery).unloaded
            )
            sent: asyncio.Future[None] | None = None
            if delivery.kind is DeliveryKind.ALERT:
                sent = asyncio.get_running_loop().create_future()
                info.setdefault(outbox.ALERTS_SENDING, []).append(sent)
            self._start(delivery, prepare_fresh(self.renderer, delivery) if fresh else None, sent)
        if notes.wake:
            self._wake.set()

    def wake(self) -> None:
        """Look at the outbox and the timers now."""
        self._wake.set()

    @property
    def in_flight(self) -> set[asyncio.Task[None]]:
        """Sends still running."""
        return set(self._sending.values())

    def stop(self) -> None:
        """Stop claiming and return from run(); the sends in flight go on."""
        self._stopping = True
        self._wake.set()

    # ------------------------------------------------------------------ loop
    async def run(self) -> None:
        """Run until stop(); a failing round is logged and retried."""
        while not self._stopping:
            self._wake.clear()
            self.rounds_started += 1
            try:
                started = await self.start_due()
                self.rounds_finished += 1
                room = len(self._sending) < self.max_sending
                timeout = 0.0 if started and room else await self._idle_seconds()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("delivery round failed")
                self.rounds_finished += 1
                timeout = IDLE_POLL_S
            if timeout > 0 and not self._stopping:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout)

    async def start_due(self) -> int:
        """Fire due timers, then claim due deliveries and start sending each on its own;
        return how many were started (without waiting for them)."""
        now = self.clock.now()
        if not self._lanes_checked:
            async with self.db.write() as session:
                await outbox.lane_old_rows(session)
            self._lanes_checked = True
        if self._timers_may_be_due(now):
            async with self.db.write() as session:
                for source in self.timers:
                    await source.fire_due(session, now)
            self._timers_checked_at = now
        room = self.max_sending - len(self._sending)
        if room <= 0:
            return 0
        reclaim = set(self._stranded)
        async with self.db.write() as session:
            claimed = list(
                await outbox.claim(
                    session,
                    self.me,
                    now,
                    limit=room,
                    exclude=self._sending.keys(),
                    reclaim=reclaim,
                )
            )
        self._stranded -= {d.id for d in claimed}
        for delivery in claimed:
            self._start(delivery, None)
        return len(claimed)

    async def run_once(self) -> int:
        """One round, waited for: start what is due and let every send in flight finish."""
        started = await self.start_due()
        await self.wait_sent()
        return started

    async def wait_sent(self) -> None:
        """Until no send is in flight."""
        while self._sending:
            await asyncio.gather(*self._sending.values(), return_exceptions=True)

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

    # -------------------------------------------------------------- one send
    def _start(
        self,
        delivery: Delivery,
        prepared: Prepared | None,
        sent: asyncio.Future[None] | None = None,
    ) -> None:
        if delivery.id in self._sending:
            if sent is not None:
                sent.set_result(None)
            return
        task = asyncio.create_task(self._deliver(delivery, prepared, sent), name="delivery")
        self._sending[delivery.id] = task
        task.add_done_callback(functools.partial(self._done, delivery.id))

    def _done(self, delivery_id: int, _task: asyncio.Task[None]) -> None:
        self._sending.pop(delivery_id, None)
        self._wake.set()  # the lane's next row may go now

    async def _deliver(
        self, delivery: Delivery, prepared: Prepared | None, sent: asyncio.Future[None] | None
    ) -> None:
        """One delivery's whole path; whatever it raises stays with this delivery. `sent`, if
        given, is settled once the channel has answered the send (or there was none)."""
        try:
            if prepared is None:
                async with self.db.read() as session:
                    prepared = await prepare(session, self.renderer, delivery)
            await self.settler.deliver(delivery, prepared, sent)
        except asyncio.CancelledError:
            raise
        except NotRecordedError:
            self._stranded.add(delivery.id)
        except Exception as exc:
            log.exception("delivery %s failed unexpectedly", delivery.id)
            try:
                await self.settler.settle_error(delivery, f"{type(exc).__name__}: {exc}", bug=True)
            except Exception:
                log.exception("delivery %s: settling it failed", delivery.id)
                self._stranded.add(delivery.id)
        finally:
            if sent is not None and not sent.done():
                sent.set_result(None)


@contextlib.asynccontextmanager
async def running(loop: DeliveryLoop) -> AsyncIterator[None]:
    """Keep the loop running for the duration of the block.

    At the end it finishes the sends in flight rather than cutting them off: a send cancelled
    half-way may have reached the channel without being recorded, and would go out again once
    its claim was free.
    """
    task = asyncio.create_task(loop.run(), name="delivery-loop")
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
            for pending in (task, *loop.in_flight):
                pending.cancel()
            await asyncio.gather(task, *loop.in_flight, return_exceptions=True)
