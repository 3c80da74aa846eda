"""The transactional outbox: deliveries are rows written with the decision to send them.

The delivery loop claims due rows, sends them and records the outcome. Claims are leases: a row
claimed by a process that died becomes claimable again when its lease runs out, and a row is
only ever completed by the claim that holds it.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, MutableMapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from incidents.outbox.params import DeliveryParams, stored
from storage.dialect import insert_or_ignore
from storage.models import Delivery, DeliveryKind, DeliveryStatus, Incident


@dataclass(slots=True)
class CommitNotes:
    """What a transaction that wrote deliveries tells the delivery loop once it has committed:
    that there is something to send, and which rows it claimed for this process to send at
    once. `notes_of` keeps them with the transaction; the loop takes them in
    `DeliveryLoop.on_commit`, which bot/app.py registers as the database's commit hook."""

    wake: bool = False
    send_now: list[Delivery] = field(default_factory=list)


_NOTES = CommitNotes  # the key under which a session carries its notes


def notes_of(session: AsyncSession) -> CommitNotes:
    """The outbox notes of this transaction (made on first use)."""
    notes = session.info.get(_NOTES)
    if notes is None:
        notes = session.info[_NOTES] = CommitNotes()
    assert isinstance(notes, CommitNotes)
    return notes


def take_notes(info: MutableMapping[Any, Any]) -> CommitNotes:
    """The notes a committed transaction left (empty if it wrote no delivery), taken once."""
    notes = info.pop(_NOTES, None)
    return notes if isinstance(notes, CommitNotes) else CommitNotes()


# Longer than any one send may take (timeouts plus flood waits), so a live claim never
# expires under a send; short enough that a crashed process's claims come back soon.
LEASE = timedelta(minutes=2)


def enqueue(
    session: AsyncSession,
    kind: DeliveryKind,
    chat_id: int,
    now: datetime,
    *,
    person_id: int | None = None,
    incident_id: int | None = None,
    reply_to: Delivery | None = None,
    edit_of_id: int | None = None,
    params: DeliveryParams | None = None,
    incident: Incident | None = None,
    send_now: bool = False,
    lane: str | None = None,
) -> Delivery:
    """Add a delivery to the unit of work (flush to get its id).

    With `send_now` the row is written already claimed by this process, which sends it the
    moment the transaction commits, skipping a claim round trip; should the process die
    first, the claim expires and any delivery loop sends it. Rows of one `lane` go out one
    after another, in the order they were enqueued.
    """
    delivery = Delivery(
        kind=kind,
        status=DeliveryStatus.PENDING,
        chat_id=chat_id,
        person_id=person_id,
        incident_id=incident_id,
        reply_to=reply_to,
        edit_of_id=edit_of_id,
        params=stored(params),
        lane=lane,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    if incident is not None:
        delivery.incident = incident
    if send_now:
        delivery.claim_token = secrets.token_hex(8)
        delivery.claimed_until = now + LEASE
        notes_of(session).send_now.append(delivery)
    session.add(delivery)
    notes_of(session).wake = True
    return delivery


async def enqueue_once(
    session: AsyncSession,
    key: str,
    kind: DeliveryKind,
    chat_id: int,
    now: datetime,
    *,
    incident_id: int | None = None,
    edit_of_id: int | None = None,
) -> None:
    """Enqueue unless a pending delivery with the same key exists (edits rendered at send time
    need only one pending row: it will show the latest state)."""
    await session.execute(
        insert_or_ignore(
            session,
            Delivery,
            kind=kind,
            status=DeliveryStatus.PENDING,
            chat_id=chat_id,
            incident_id=incident_id,
            edit_of_id=edit_of_id,
            params={},
            pending_key=key,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
            last_error="",
        )
    )
    notes_of(session).wake = True


async def claim(
    session: AsyncSession, now: datetime, limit: int = 100, exclude: Collection[int] = ()
) -> Sequence[Delivery]:
    """Lease the due head delivery of each chat (later ones in a chat wait their turn).

    `exclude` holds rows this process is still sending, whatever their lease says.
    """
    earlier = aliased(Delivery)
    head_of_chat = ~exists().where(
        and_(
            earlier.chat_id == Delivery.chat_id,
            earlier.status == DeliveryStatus.PENDING,
            earlier.id < Delivery.id,
        )
    )
    free = (Delivery.claimed_until.is_(None)) | (Delivery.claimed_until < now)
    rows = (
        await session.scalars(
            select(Delivery)
            .where(
                Delivery.status == DeliveryStatus.PENDING,
                Delivery.next_attempt_at <= now,
                free,
                head_of_chat,
                Delivery.id.not_in(exclude) if exclude else true(),
            )
            .order_by(Delivery.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    ).all()
    for row in rows:
        row.claimed_until = now + LEASE
        row.claim_token = secrets.token_hex(8)
        # It renders the state as of now; a change from here on needs an edit of its own.
        row.pending_key = None
    return rows


async def renew(session: AsyncSession, claims: dict[int, str], now: datetime) -> None:
    """Extend the leases of rows still being sent, so no other process takes them over."""
    for delivery_id, token in claims.items():
        await session.execute(
            update(Delivery)
            .where(Delivery.id == delivery_id, Delivery.claim_token == token)
            .values(claimed_until=now + LEASE)
        )


async def next_due(session: AsyncSession, now: datetime) -> datetime | None:
    """When the earliest pending delivery not yet due becomes due."""
    return await session.scalar(
        select(Delivery.next_attempt_at)
        .where(Delivery.status == DeliveryStatus.PENDING, Delivery.next_attempt_at > now)
        .order_by(Delivery.next_attempt_at)
        .limit(1)
    )


async def message_id_of(session: AsyncSession, delivery_id: int | None) -> tuple[bool, int | None]:
    """(settled, Telegram message id) of an earlier delivery: settled once it is not pending."""
    if delivery_id is None:
        return True, None
    row = (
        await session.execute(
            select(Delivery.status, Delivery.telegram_message_id).where(Delivery.id == delivery_id)
        )
    ).one_or_none()
    if row is None:
        return True, None
    return row.status is not DeliveryStatus.PENDING, row.telegram_message_id


async def finish(
    session: AsyncSession,
    delivery: Delivery,
    status: DeliveryStatus,
    now: datetime,
    *,
    message_id: int | None = None,
    error: str = "",
    chat_id: int | None = None,
) -> bool:
    """Record the outcome (and the chat it went to, when that changed since it was queued);
    False if the claim was lost (another process owns the row now)."""
    result = await session.execute(
        update(Delivery)
        .where(Delivery.id == delivery.id, Delivery.claim_token == delivery.claim_token)
        .values(
            chat_id=chat_id if chat_id is not None else Delivery.chat_id,
            status=status,
            telegram_message_id=message_id,
            sent_at=now if status is DeliveryStatus.SENT else None,
            attempts=Delivery.attempts + 1,
            last_error=error[:500],
            claimed_until=None,
            claim_token=None,
            pending_key=None,
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def retry_later(session: AsyncSession, delivery: Delivery, at: datetime, error: str) -> bool:
    """Release the claim and try again at `at`."""
    result = await session.execute(
        update(Delivery)
        .where(Delivery.id == delivery.id, Delivery.claim_token == delivery.claim_token)
        .values(
            next_attempt_at=at,
            attempts=Delivery.attempts + 1,
            last_error=error[:500],
            claimed_until=None,
            claim_token=None,
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
