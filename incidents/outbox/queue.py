"""The transactional outbox: deliveries are rows written with the decision to send them.

The delivery loop claims due rows, sends them and records the outcome. A claim belongs to a
process instance (incidents.instances): while it beats, nobody else takes the row; once it has
stopped beating (or stopped cleanly) any loop may. Each claim also carries a token of its own,
so a row is only ever completed by the claim that holds it.

Order is kept within a lane only: an alert, its follow-ups and its edits in one chat share a
lane, a person's own replies share another; alerts of different incidents to one chat do not
wait for each other. An edit also waits until the message it edits has settled.
"""

from __future__ import annotations

import asyncio
import functools
import secrets
import uuid
from collections.abc import Collection, MutableMapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, String, bindparam, cast, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from incidents import lanes
from incidents.instances import claim_is_free
from incidents.outbox.params import DeliveryParams, stored
from storage.dialect import insert_or_ignore
from storage.models import Channel, Delivery, DeliveryKind, DeliveryStatus, Incident


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


# Under this key of a committed session's info, the delivery loop leaves one future per alert
# it started sending on the fast path, settled once the channel has answered that send.
ALERTS_SENDING = "outbox.alerts_sending"


async def wait_alerts_sent(info: MutableMapping[Any, Any], limit: float) -> None:
    """Wait until the alerts that a committed transaction started sending have been answered,
    for at most `limit` seconds (a hung send holds its own chat, not the caller for long)."""
    sending = info.pop(ALERTS_SENDING, None)
    if sending:
        await asyncio.wait(sending, timeout=limit)


def take_notes(info: MutableMapping[Any, Any]) -> CommitNotes:
    """The notes a committed transaction left (empty if it wrote no delivery), taken once."""
    notes = info.pop(_NOTES, None)
    return notes if isinstance(notes, CommitNotes) else CommitNotes()


# The key of session.info naming the instance whose delivery loop sends, the moment the
# transaction commits, what it enqueued with `send_now` (DeliveryLoop.attach sets it).
SENDER = "outbox.sender"


def default_lane(
    chat_id: int, incident_id: int | None, channel: Channel = Channel.TELEGRAM, address: str = ""
) -> str:
    """An incident's messages to a chat keep their order; a chat's other messages theirs."""
    chat = f"{chat_id}" if channel is Channel.TELEGRAM else f"{channel.value}:{address}"
    return f"{chat}:{incident_id}" if incident_id is not None else chat


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
    channel: Channel = Channel.TELEGRAM,
    address: str = "",
) -> Delivery:
    """Add a delivery to the unit of work (flush to get its id).

    It goes to the Telegram chat `chat_id`, or on another `channel` to the account `address`
    (`chat_id` 0); a channel that takes a retry key gets one now, before the first attempt.

    `lane` defaults to the chat and the incident (see `default_lane`). With `send_now` the
    row is written already claimed by this process's delivery loop, which sends it the moment
    the transaction commits, skipping a claim round trip; should the process die first, the
    claim is free once its heartbeat stops (or at once when it restarts). Without a delivery
    loop attached to the database, `send_now` only queues the row.
    """
    if incident_id is None and incident is not None:
        incident_id = incident.id
    # LINE takes a retry key; a webhook's receiver drops repeats by it (the delivery id).
    keyed = channel in (Channel.LINE, Channel.WEBHOOK)
    delivery = Delivery(
        kind=kind,
        status=DeliveryStatus.PENDING,
        channel=channel,
        chat_id=chat_id if channel is Channel.TELEGRAM else 0,
        address=address,
        retry_key=str(uuid.uuid4()) if keyed else None,
        person_id=person_id,
        incident_id=incident_id,
        reply_to=reply_to,
        edit_of_id=edit_of_id,
        params=stored(params),
        lane=lane or default_lane(chat_id, incident_id, channel, address),
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    if incident is not None:
        delivery.incident = incident
    sender = session.info.get(SENDER) if send_now else None
    if sender:
        delivery.claimed_by = sender
        delivery.claim_token = secrets.token_hex(8)
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
    lane: str | None = None,
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
            lane=lane or default_lane(chat_id, incident_id),
            pending_key=key,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
            last_error="",
        )
    )
    notes_of(session).wake = True


@functools.cache
def _claim_query() -> Select[Delivery]:
    edited = aliased(Delivery, name="edited")
    edited_pending = exists().where(
        edited.id == Delivery.edit_of_id, edited.status == DeliveryStatus.PENDING
    )
    return lanes.claimable_heads(
        Delivery,
        DeliveryStatus.PENDING,
        # Never a row in `me`'s own name, even while `me`'s heartbeat looks stale (a clock
        # jump, a stalled beat): it is being sent by this process, or stranded and reclaimed.
        free=(
            claim_is_free(Delivery.claimed_by, "", lanes.DEAD_BEFORE)
            & (Delivery.claimed_by.is_(None) | (Delivery.claimed_by != bindparam("me")))
        )
        | Delivery.id.in_(bindparam("reclaim", expanding=True)),
        where=[Delivery.edit_of_id.is_(None) | ~edited_pending],
    )


async def claim(
    session: AsyncSession,
    me: str,
    now: datetime,
    limit: int = 100,
    exclude: Collection[int] = (),
    reclaim: Collection[int] = (),
) -> Sequence[Delivery]:
    """Claim, for instance `me`, the due head delivery of each lane nobody is working on.

    A row already claimed in `me`'s name is this process's own: being sent, or claimed by a
    transaction that has just committed and about to be (`send_now`); it is taken again only
    when named in `reclaim` (rows whose outcome could not be recorded). The last life's claims
    were released when this one registered. `exclude` holds the rows being sent now, in case
    this instance's own heartbeat has lapsed. A lane is taken while a live instance holds any
    of its rows, so one lane's rows never go side by side; an edit also waits for the message
    it edits.
    """
    params = lanes.claim_params(now, exclude, me=me, reclaim=list(reclaim))
    rows = (await session.scalars(_claim_query().limit(limit), params)).all()
    for row in rows:
        row.claimed_by = me
        row.claim_token = secrets.token_hex(8)
        # It renders the state as of now; a change from here on needs an edit of its own.
        row.pending_key = None
    return rows


async def lane_old_rows(session: AsyncSession) -> int:
    """Give pending rows written before lanes existed their chat as lane (the old order)."""
    result = await session.execute(
        update(Delivery)
        .where(Delivery.status == DeliveryStatus.PENDING, Delivery.lane.is_(None))
        .values(lane=cast(Delivery.chat_id, String))
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


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
    address: str | None = None,
    external_id: str = "",
) -> bool:
    """Record the outcome (and the chat it went to, when that changed since it was queued);
    False if the claim was lost (another process owns the row now)."""
    result = await session.execute(
        update(Delivery)
        .where(Delivery.id == delivery.id, Delivery.claim_token == delivery.claim_token)
        .values(
            chat_id=chat_id if chat_id is not None else Delivery.chat_id,
            address=address if address is not None else Delivery.address,
            external_message_id=external_id or None,
            status=status,
            telegram_message_id=message_id,
            sent_at=now if status is DeliveryStatus.SENT else None,
            attempts=Delivery.attempts + 1,
            last_error=error[:500],
            claimed_until=None,
            claimed_by=None,
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
            claimed_by=None,
            claim_token=None,
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
