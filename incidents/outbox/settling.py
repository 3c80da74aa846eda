"""One claimed delivery: sent through the channel's sender, and its outcome recorded.

Whatever goes wrong on one delivery's path stays with that delivery: a sender that raises is
an unexpected outcome, retried with back-off and given up (the admins told) after a few
attempts; hooks that raise after a send are logged and the send is recorded without them,
never sent again for their sake.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta

from incidents.clock import Clock
from incidents.observability import metrics
from incidents.outbox import params as outbox_params
from incidents.outbox import queue as outbox
from incidents.outbox import webhook
from incidents.outbox.delivery import (
    AccountSender,
    DeliveryHooks,
    OutcomeKind,
    Prepared,
    Sender,
    SendOutcome,
    backoff,
)
from incidents.outbox.render import Method
from storage.db import Database
from storage.models import Channel, Delivery, DeliveryStatus

log = logging.getLogger(__name__)

MAX_ATTEMPTS_FOR_BUGS = 8
# A channel's reply token is good for about a minute after the message it answers arrived
# (LINE's); an answer sent later goes as a push. Kept a little short of it.
REPLY_TOKEN_LIFETIME = timedelta(seconds=50)


class NotRecordedError(Exception):
    """A delivery's outcome could not be written (the database failed): its claim stays
    with this process, which takes the row back later."""


class Settler:
    """Sends one prepared delivery and records what became of it."""

    def __init__(
        self,
        db: Database,
        sender: Sender,
        clock: Clock,
        hooks: DeliveryHooks,
        accounts: Mapping[Channel, AccountSender] | None = None,
    ) -> None:
        self.db = db
        self.sender = sender  # Telegram's
        self.accounts = dict(accounts or {})  # the other channels' (LINE's)
        self.clock = clock
        self.hooks = hooks

    async def deliver(
        self, delivery: Delivery, prepared: Prepared, sent: asyncio.Future[None] | None = None
    ) -> None:
        """Send a prepared delivery (or skip it) and record the outcome; `sent`, if given, is
        settled as soon as the channel has answered, before the outcome is recorded."""
        if prepared.error:
            await self.settle_error(delivery, prepared.error, bug=True)
            return
        if prepared.skip:
            log.info("delivery %s skipped: %s", delivery.id, prepared.skip)
            await self._finish(delivery, DeliveryStatus.SKIPPED, error=prepared.skip)
            return
        rendered, target = prepared.rendered, prepared.target
        if rendered is None or (rendered.method is Method.EDIT_TEXT and target is None):
            # Nothing to say, or an edit of a message that never went out (failed, skipped).
            await self._finish(delivery, DeliveryStatus.SKIPPED)
            return
        if delivery.channel is not Channel.TELEGRAM:
            await self._deliver_to_account(delivery, prepared)
            return
        if prepared.chat_id != delivery.chat_id:
            log.info("delivery %s goes to the person's new account", delivery.id)
            delivery.chat_id = prepared.chat_id
        outcome = await self._send(delivery, prepared)
        if sent is not None and not sent.done():
            sent.set_result(None)
        await self._record(delivery, outcome, target)

    async def _deliver_to_account(self, delivery: Delivery, prepared: Prepared) -> None:
        """A delivery on a channel whose accounts are named by strings (LINE)."""
        assert prepared.rendered is not None
        sender = self.accounts.get(delivery.channel)
        if sender is None:
            # Its channel was configured when it was queued and is not now.
            log.warning("delivery %s skipped: %s is not configured", delivery.id, delivery.channel)
            await self._finish(delivery, DeliveryStatus.SKIPPED, error="channel not configured")
            return
        if prepared.rendered.method is Method.EDIT_TEXT:
            # Such a channel cannot edit a sent message; whoever queued it sends a notice.
            await self._finish(delivery, DeliveryStatus.SKIPPED, error="channel cannot edit")
            return
        if prepared.address != delivery.address:
            log.info("delivery %s goes to the person's new account", delivery.id)
            delivery.address = prepared.address
        try:
            outcome = await sender.send_to(
                delivery.address,
                prepared.rendered,
                retry_key=delivery.retry_key,
                reply_token=_fresh_reply_token(delivery, self.clock.now()),
            )
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("sending delivery %s raised", delivery.id)
            outcome = SendOutcome(OutcomeKind.UNEXPECTED, error=f"send: {exc!r}")
        await self._record(delivery, outcome, None)

    async def _send(self, delivery: Delivery, prepared: Prepared) -> SendOutcome:
        assert prepared.rendered is not None
        try:
            return await self.sender.send(
                delivery.chat_id, prepared.rendered, prepared.reply_to, prepared.target
            )
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("sending delivery %s raised", delivery.id)
            return SendOutcome(OutcomeKind.UNEXPECTED, error=f"send: {exc!r}")

    async def _record(self, delivery: Delivery, outcome: SendOutcome, target: int | None) -> None:
        match outcome.kind:
            case OutcomeKind.SENT:
                await self._finish(
                    delivery,
                    DeliveryStatus.SENT,
                    message_id=outcome.message_id,
                    external_id=outcome.external_id,
                )
            case OutcomeKind.UNCHANGED:
                await self._finish(delivery, DeliveryStatus.SENT, message_id=target)
            case OutcomeKind.RETRY_AFTER | OutcomeKind.TRANSIENT if self._too_old(delivery):
                log.error("delivery %s: receiver failing for too long, giving up", delivery.id)
                await self._finish(
                    delivery, DeliveryStatus.FAILED, error=outcome.error, gave_up=True, too_old=True
                )
            case OutcomeKind.RETRY_AFTER:
                delay = outcome.retry_after
                log.warning("delivery %s: flood limit, retrying after %s", delivery.id, delay)
                await self._retry(delivery, self.clock.now() + delay, "retry_after")
            case OutcomeKind.UNREACHABLE:
                await self._unreachable(delivery, outcome.error)
            case OutcomeKind.REFUSED:
                log.error("delivery %s refused by the channel: %s", delivery.id, outcome.error)
                await self._finish(delivery, DeliveryStatus.FAILED, error=outcome.error)
            case OutcomeKind.QUOTA:
                # Retrying before the limit is raised only burns attempts: fail it with why.
                log.error("delivery %s: channel quota used up: %s", delivery.id, outcome.error)
                await self._finish(
                    delivery, DeliveryStatus.FAILED, error=outcome.error, exhausted=True
                )
            case OutcomeKind.TRANSIENT:
                log.warning("delivery %s: %s; will retry", delivery.id, outcome.error)
                await self.settle_error(delivery, outcome.error, bug=False)
            case _:
                await self.settle_error(delivery, outcome.error, bug=True)

    def _too_old(self, delivery: Delivery) -> bool:
        """A webhook event retried for longer than its receiver may keep it waiting."""
        age = self.clock.now() - delivery.created_at
        return delivery.channel is Channel.WEBHOOK and age >= webhook.GIVE_UP_AFTER

    async def settle_error(self, delivery: Delivery, error: str, *, bug: bool) -> None:
        """Retry with back-off; an unexpected error gives up after a few attempts, and the
        admins are told."""
        if bug and delivery.attempts + 1 >= MAX_ATTEMPTS_FOR_BUGS:
            log.error(
                "delivery %s failed %d times, giving up: %s",
                delivery.id,
                delivery.attempts + 1,
                error,
            )
            await self._finish(delivery, DeliveryStatus.FAILED, error=error, gave_up=True)
            return
        await self._retry(delivery, self.clock.now() + backoff(delivery.attempts), error)

    async def _retry(self, delivery: Delivery, at: datetime, error: str) -> None:
        try:
            async with self.db.write() as session:
                await outbox.retry_later(session, delivery, at, error)
        except Exception as exc:
            log.exception("delivery %s: putting it back failed", delivery.id)
            raise NotRecordedError from exc

    async def _finish(
        self,
        delivery: Delivery,
        status: DeliveryStatus,
        *,
        message_id: int | None = None,
        error: str = "",
        gave_up: bool = False,
        too_old: bool = False,
        external_id: str = "",
        exhausted: bool = False,
    ) -> None:
        """Record the outcome and tell the core; should the hooks raise, the outcome is
        recorded without them (a message that went out must not go out again for them)."""

        async def record(with_hooks: bool) -> None:
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
                    address=delivery.address,
                    external_id=external_id,
                ):
                    log.warning("delivery %s: claim lost before it was recorded", delivery.id)
                    return
                delivery.status = status
                metrics.delivery_settled(delivery, now)
                if with_hooks:
                    if gave_up:
                        await self.hooks.on_gave_up(session, delivery, error, now, too_old=too_old)
                    if exhausted:
                        await self.hooks.on_exhausted(session, delivery, now)
                    await self.hooks.on_delivered(session, delivery, now)

        await self._record_with_fallback(delivery, record)

    async def _unreachable(self, delivery: Delivery, reason: str) -> None:
        log.warning("delivery %s: chat unreachable (%s)", delivery.id, reason)

        async def record(with_hooks: bool) -> None:
            now = self.clock.now()
            async with self.db.write() as session:
                if not await outbox.finish(
                    session, delivery, DeliveryStatus.FAILED, now, error=reason
                ):
                    return
                delivery.status = DeliveryStatus.FAILED
                metrics.delivery_settled(delivery, now)
                if with_hooks:
                    await self.hooks.on_unreachable(session, delivery, reason, now)
                    await self.hooks.on_delivered(session, delivery, now)

        await self._record_with_fallback(delivery, record)

    async def _record_with_fallback(
        self, delivery: Delivery, record: Callable[[bool], Awaitable[None]]
    ) -> None:
        try:
            await record(True)
            return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("delivery %s: recording its outcome with the hooks failed", delivery.id)
        try:
            await record(False)
        except Exception as exc:
            log.exception("delivery %s: recording its outcome failed", delivery.id)
            raise NotRecordedError from exc


def _fresh_reply_token(delivery: Delivery, now: datetime) -> str:
    """The reply token the delivery answers with, while it is still good; "" to push."""
    token = outbox_params.read(delivery).reply_token
    if not token or now - delivery.created_at > REPLY_TOKEN_LIFETIME:
        return ""
    return token
