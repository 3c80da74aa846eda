"""What the delivery loop and a channel's sender agree on, and the loop's small rules.

A sender (one per channel) makes the channel's calls for a rendered delivery
and says how it went as a `SendOutcome` of a kind the core knows; the loop decides what that
means for the row (sent, retried later, given up, the chat unreachable). The core never sees
a channel's error classes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from incidents.outbox.render import Rendered
from incidents.roster import people as roster
from storage.models import Channel, Delivery, Person

MAX_BACKOFF_S = 300.0


class OutcomeKind(StrEnum):
    """How one send went, as far as the outbox is concerned."""

    SENT = "sent"
    # The channel had nothing to change (an edit of an unchanged or vanished message).
    UNCHANGED = "unchanged"
    # A flood limit: try again after the delay the channel asked for.
    RETRY_AFTER = "retry_after"
    # Timeouts, network and server errors: try again with back-off.
    TRANSIENT = "transient"
    # The chat refused for good (blocked, deleted, kicked): the recipient is unreachable.
    UNREACHABLE = "unreachable"
    # The channel refused this message itself: retrying would not help.
    REFUSED = "refused"
    # The channel's paid allowance is used up (LINE's monthly message limit): this channel
    # cannot send until it is raised, so the delivery fails and the core reaches the person
    # another way (DeliveryHooks.on_exhausted).
    QUOTA = "quota"
    # Anything else the channel raised: retried a few times, then given up as a bug.
    UNEXPECTED = "unexpected"


@dataclass(frozen=True, slots=True)
class SendOutcome:
    """A send's outcome: its kind, the message id it made, an error, a delay asked for.

    `message_id` is Telegram's (an int); a channel whose ids are strings (LINE's are 18-digit
    strings, kept as text so nothing depends on their size) puts its id in `external_id`."""

    kind: OutcomeKind
    message_id: int | None = None
    error: str = ""
    retry_after: timedelta = timedelta(0)
    external_id: str = ""


class Sender(Protocol):
    """A channel's side of delivering: one call (or a few) per rendered delivery."""

    async def send(
        self, chat_id: int, rendered: Rendered, reply_to: int | None, target: int | None
    ) -> SendOutcome:
        """Send `rendered` to the chat (as a reply to `reply_to`, or an edit of `target`)."""
        ...


class AccountSender(Protocol):
    """The side of a channel whose accounts are named by strings and whose sent messages
    cannot be edited (LINE): a push with the delivery's retry key, or the free answer to a
    person's own message while the channel's reply token is good."""

    async def send_to(
        self, address: str, rendered: Rendered, *, retry_key: str | None, reply_token: str
    ) -> SendOutcome:
        """Send `rendered` to the account `address`."""
        ...


class TimerSource(Protocol):
    """Something that fires timers kept in the database."""

    async def fire_due(self, session: AsyncSession, now: datetime) -> int:
        """Act on every timer due at `now`; return how many fired."""
        ...

    async def next_due(self, session: AsyncSession) -> datetime | None:
        """When the next timer is due."""
        ...


class DeliveryHooks(Protocol):
    """What the rest of the core does once a delivery has settled."""

    async def on_delivered(self, session: AsyncSession, delivery: Delivery, now: datetime) -> None:
        """After a delivery settled, whatever its outcome."""
        ...

    async def on_unreachable(
        self, session: AsyncSession, delivery: Delivery, reason: str, now: datetime
    ) -> None:
        """The channel refused the delivery's chat for good."""
        ...

    async def on_gave_up(
        self,
        session: AsyncSession,
        delivery: Delivery,
        error: str,
        now: datetime,
        *,
        too_old: bool = False,
    ) -> None:
        """A delivery failed on unexpected errors again and again and is given up, or (when
        `too_old`) its receiver refused it for longer than it may wait."""
        ...

    async def on_exhausted(self, session: AsyncSession, delivery: Delivery, now: datetime) -> None:
        """The channel refused the delivery for its paid allowance (LINE's monthly quota)."""
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
    address: str = ""


async def current_chat(session: AsyncSession, delivery: Delivery) -> tuple[int, str]:
    """The chat a delivery goes to now, and why not when it must be skipped: its person may
    have been deactivated, or bound to another account since it was queued (an edit of a
    message on the old account is not made)."""
    if delivery.person_id is None:
        return delivery.chat_id, ""
    person = await session.get(Person, delivery.person_id)
    if delivery.channel is not Channel.TELEGRAM:
        return delivery.chat_id, "" if roster.line_account(person) else "not reachable on LINE"
    chat = roster.reachable_chat(person)
    if chat is None:
        return delivery.chat_id, "recipient deactivated or not joined"
    if chat != delivery.chat_id and delivery.edit_of_id is not None:
        return delivery.chat_id, "recipient moved to another account"
    return chat, ""


async def current_address(session: AsyncSession, delivery: Delivery) -> str:
    """The account a delivery on an account channel goes to now (the person's new one, should
    they have bound another since it was queued: its messages are never edited)."""
    if delivery.person_id is None:
        return delivery.address
    return roster.line_account(await session.get(Person, delivery.person_id)) or delivery.address


def backoff(attempts: int) -> timedelta:
    """Exponential back-off with jitter: about 1, 2, 4 … seconds, at most five minutes."""
    base = min(MAX_BACKOFF_S, 2.0 ** min(attempts, 10))
    return timedelta(seconds=base * random.uniform(0.5, 1.0))  # noqa: S311 - jitter, not crypto
