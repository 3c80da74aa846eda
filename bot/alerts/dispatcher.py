"""Sending the outbox through the Bot API until every delivery has gone out.

One dispatcher runs in every process. It is woken the moment a unit of work that enqueued
something commits, claims the due head delivery of each chat (so messages reach a chat in the
order they were queued, and two processes never send the same row), sends them concurrently,
and records the outcome. Flood limits are python-telegram-bot's AIORateLimiter; a `retry_after`
it gives up on, timeouts and server errors put the row back with a delay; a chat Telegram
refuses for good marks the recipient unreachable and tells the admins.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, ReplyParameters
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from incidents.alerts.service import Alerts
from incidents.clock import Clock
from incidents.outbox import queue as outbox
from incidents.outbox.render import Button, Method, Rendered, Renderer
from incidents.roster import people as roster
from storage.db import Database
from storage.models import Delivery, DeliveryStatus, Person

log = logging.getLogger(__name__)

IDLE_POLL_S = 2.0
STOP_GRACE_S = 20.0
TIMER_CHECK = timedelta(seconds=1)  # picks up rows other processes enqueued, and due retries
MAX_BACKOFF_S = 300.0
MAX_ATTEMPTS_FOR_BUGS = 8
# Telegram answers in well under a second; a long read timeout keeps a slow answer from being
# mistaken for a lost one (which would be retried and could arrive twice).
SEND_TIMEOUTS: dict[str, Any] = {"read_timeout": 20, "write_timeout": 20, "connect_timeout": 10}

_GONE = ("chat not found", "user is deactivated", "bot was kicked", "have no rights to send")
_NOTHING_TO_DO = ("message is not modified", "message to edit not found")


class TimerSource(Protocol):
    """Something that fires timers kept in the database."""

    async def fire_due(self, session: AsyncSession, now: datetime) -> int:
        """Act on every timer due at `now`; return how many fired."""
        ...

    async def next_due(self, session: AsyncSession) -> datetime | None:
        """When the next timer is due."""
        ...


@dataclass(frozen=True, slots=True)
class Prepared:
    """A claimed delivery made ready to send: its content, the chat it goes to now and the
    message ids it refers to; `skip` says why it is not sent at all."""

    rendered: Rendered | None
    reply_to: int | None
    target: int | None
    chat_id: int
    error: str = ""
    skip: str = ""


def _markup(buttons: list[list[Button]]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.label, callback_data=b.callback_data, url=b.url) for b in row]
            for row in buttons
        ]
    )


async def current_chat(session: AsyncSession, delivery: Delivery) -> tuple[int, str]:
    """The chat a delivery goes to now, and why not when it must be skipped: its person may
    have been deactivated, or bound to another account since it was queued (an edit of a
    message on the old account is not made)."""
    if delivery.person_id is None:
        return delivery.chat_id, ""
    person = await session.get(Person, delivery.person_id)
    chat = roster.reachable_chat(person)
    if chat is None:
        return delivery.chat_id, "recipient deactivated or not joined"
    if chat != delivery.chat_id and delivery.edit_of_id is not None:
        return delivery.chat_id, "recipient moved to another account"
    return chat, ""


def backoff(attempts: int) -> timedelta:
    """Exponential back-off with jitter: about 1, 2, 4 … seconds, at most five minutes."""
    base = min(MAX_BACKOFF_S, 2.0 ** min(attempts, 10))
    return timedelta(seconds=base * random.uniform(0.5, 1.0))  # noqa: S311 - jitter, not crypto


class Dispatcher:
    """Drains the outbox and runs the reminder timers."""

    def __init__(
        self,
        db: Database,
        bot: Bot,
        clock: Clock,
        alerts: Alerts,
        renderer: Renderer,
        timers: Sequence[TimerSource] = (),
    ) -> None:
        self.db = db
        self.bot = bot
        self.clock = clock
        self.alerts = alerts
        self.renderer = renderer
        # Everything with timers in the database: reminders, escalation, instructions.
        self.timers: list[TimerSource] = [alerts, *timers]
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
        db.after_commit(self._on_commit)

    def _on_commit(self, info: dict[Any, Any]) -> None:
        send_now: list[Delivery] = info.pop(outbox.SEND_NOW, [])
        if send_now:
            task = asyncio.create_task(self._send_now(send_now), name="send-now")
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)
        if info.pop(outbox.WAKE_FLAG, False):
            self._wake.set()

    async def _send_now(self, deliveries: list[Delivery]) -> None:
        """Send alerts the committing transaction claimed for this process (the fast path)."""
        prepared = []
        for delivery in deliveries:
            try:
                rendered = self.renderer.fresh_alert(delivery)
                prepared.append(Prepared(rendered, None, None, delivery.chat_id))
            except Exception as exc:
                log.exception("rendering delivery %s failed", delivery.id)
                prepared.append(
                    Prepared(None, None, None, delivery.chat_id, error=f"render: {exc!r}")
                )
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
                log.exception("dispatcher round failed")
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
        prepared = await self._prepare(claimed)
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

    async def _prepare(self, claimed: list[Delivery]) -> list[Prepared]:
        """Render a round's deliveries in one read (they mostly share one incident)."""
        prepared: list[Prepared] = []
        async with self.db.read() as session:
            for delivery in claimed:
                try:
                    prepared.append(await self._prepare_one(session, delivery))
                except Exception as exc:
                    log.exception("rendering delivery %s failed", delivery.id)
                    prepared.append(
                        Prepared(None, None, None, delivery.chat_id, error=f"render: {exc!r}")
                    )
        return prepared

    async def _prepare_one(self, session: AsyncSession, delivery: Delivery) -> Prepared:
        chat_id, skip = await current_chat(session, delivery)
        if skip:
            return Prepared(None, None, None, chat_id, skip=skip)
        rendered = await self.renderer.render(session, delivery)
        _, reply_to = await outbox.message_id_of(session, delivery.reply_to_id)
        _, target = await outbox.message_id_of(session, delivery.edit_of_id)
        if chat_id != delivery.chat_id:
            reply_to = None  # the message replied to is in the account they left
        return Prepared(rendered, reply_to, target, chat_id)

    # -------------------------------------------------------------- one send
    async def _deliver(self, delivery: Delivery, prepared: Prepared) -> None:
        assert delivery.claim_token is not None
        self._sending[delivery.id] = delivery.claim_token
        try:
            await self._deliver_claimed(delivery, prepared)
        finally:
            self._sending.pop(delivery.id, None)

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
        try:
            message_id = await self._call(delivery.chat_id, rendered, reply_to, target)
        except RetryAfter as exc:
            seconds = exc.retry_after
            delay = seconds if isinstance(seconds, timedelta) else timedelta(seconds=seconds)
            log.warning("delivery %s: flood limit, retrying after %s", delivery.id, delay)
            await self._retry(delivery, self.clock.now() + delay, "retry_after")
        except Forbidden as exc:
            await self._unreachable(delivery, exc.message)
        except BadRequest as exc:
            reason = exc.message.lower()
            if any(part in reason for part in _NOTHING_TO_DO):
                await self._finish(delivery, DeliveryStatus.SENT, message_id=target)
            elif any(part in reason for part in _GONE):
                await self._unreachable(delivery, exc.message)
            else:
                log.error("delivery %s refused by the Bot API: %s", delivery.id, exc.message)
                await self._finish(delivery, DeliveryStatus.FAILED, error=exc.message)
        except NetworkError as exc:  # timeouts and 5xx included
            log.warning("delivery %s: %s; will retry", delivery.id, exc)
            await self._settle_error(delivery, f"network: {exc}", bug=False)
        except TelegramError as exc:
            await self._settle_error(delivery, f"telegram: {exc}", bug=True)
        else:
            await self._finish(delivery, DeliveryStatus.SENT, message_id=message_id)

    async def _call(
        self, chat_id: int, rendered: Rendered, reply_to: int | None, target: int | None
    ) -> int | None:
        markup = _markup(rendered.buttons)
        reply = (
            ReplyParameters(reply_to, allow_sending_without_reply=True)
            if reply_to is not None
            else None
        )
        sent: Message | bool
        match rendered.method:
            case Method.EDIT_TEXT:
                assert target is not None
                sent = await self.bot.edit_message_text(
                    rendered.text,
                    chat_id=chat_id,
                    message_id=target,
                    reply_markup=markup,
                    **SEND_TIMEOUTS,
                )
                return target
            case Method.TEXT:
                sent = await self.bot.send_message(
                    chat_id,
                    rendered.text,
                    reply_markup=markup,
                    reply_parameters=reply,
                    **SEND_TIMEOUTS,
                )
            case Method.LOCATION:
                assert rendered.latitude is not None and rendered.longitude is not None
                sent = await self.bot.send_location(
                    chat_id,
                    rendered.latitude,
                    rendered.longitude,
                    reply_parameters=reply,
                    **SEND_TIMEOUTS,
                )
            case _:
                sent = await self._send_file(chat_id, rendered, reply)
        return sent.message_id if isinstance(sent, Message) else None

    async def _send_file(
        self, chat_id: int, rendered: Rendered, reply: ReplyParameters | None
    ) -> Message:
        common: dict[str, Any] = {"reply_parameters": reply, **SEND_TIMEOUTS}
        caption = rendered.text or None
        file_id = rendered.file_id
        assert file_id is not None
        match rendered.method:
            case Method.PHOTO:
                return await self.bot.send_photo(chat_id, file_id, caption=caption, **common)
            case Method.VOICE:
                return await self.bot.send_voice(chat_id, file_id, caption=caption, **common)
            case Method.VIDEO:
                return await self.bot.send_video(chat_id, file_id, caption=caption, **common)
            case Method.AUDIO:
                return await self.bot.send_audio(chat_id, file_id, caption=caption, **common)
            case _:
                return await self.bot.send_document(chat_id, file_id, caption=caption, **common)

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
            await self.alerts.on_delivered(session, delivery, now)

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
            await self.alerts.on_unreachable(session, delivery, reason, now)
            await self.alerts.on_delivered(session, delivery, now)


@contextlib.asynccontextmanager
async def running(dispatcher: Dispatcher) -> AsyncIterator[None]:
    """Keep the dispatcher running for the duration of the block.

    At the end it finishes the sends in flight rather than cutting them off: a send cancelled
    half-way may have reached Telegram without being recorded, and would go out again once its
    claim expired.
    """
    task = asyncio.create_task(dispatcher.run(), name="dispatcher")
    leases = asyncio.create_task(dispatcher.renew_leases(), name="delivery-leases")
    try:
        yield
    finally:
        dispatcher.stop()
        try:
            await asyncio.wait_for(
                asyncio.shield(asyncio.gather(task, *dispatcher.in_flight)), STOP_GRACE_S
            )
        except TimeoutError:
            log.warning("dispatcher still busy after %.0f s; cancelling it", STOP_GRACE_S)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        leases.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await leases
