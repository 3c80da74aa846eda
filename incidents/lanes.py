"""Claims lane by lane, shared by the inbox and the outbox.

Rows with one lane (one person's updates, one chat's messages) are worked one at a time, in id
order. A claim takes only the head of each lane: the oldest pending row, and only while no
live instance holds another row of that lane. On PostgreSQL the rows are locked with
FOR UPDATE SKIP LOCKED, so replicas claiming at once take different rows instead of waiting;
SQLite has one writer at a time and needs no lock.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import TypeVar

from sqlalchemy import ColumnElement, Select, and_, exists, select, true
from sqlalchemy.orm import aliased

from incidents.instances import claim_is_free
from storage.models import Delivery, DeliveryStatus, InboxStatus, InboxUpdate

# The tables worked lane by lane.
Row = TypeVar("Row", InboxUpdate, Delivery)
Pending = InboxStatus | DeliveryStatus


def head_of_lane(model: type[Row], pending: Pending, now: datetime) -> ColumnElement[bool]:
    """No other pending row of the same lane comes first or is held by a live instance."""
    other = aliased(model)
    return ~exists().where(
        and_(
            other.lane == model.lane,
            other.status == pending,
            other.id != model.id,
            (other.id < model.id) | ~claim_is_free(other.claimed_by, "", now),
        )
    )


def claimable_heads(
    model: type[Row],
    pending: Pending,
    now: datetime,
    *,
    free: ColumnElement[bool],
    exclude: Collection[int] = (),
    where: Collection[ColumnElement[bool]] = (),
    limit: int,
) -> Select[Row]:
    """The due, pending heads of lanes whose claim is `free`, oldest first, locked for the
    claim; `exclude` holds the rows this process is working on, `where` any further rule."""
    return (
        select(model)
        .where(
            model.status == pending,
            model.next_attempt_at <= now,
            free,
            head_of_lane(model, pending, now),
            model.id.not_in(exclude) if exclude else true(),
            *where,
        )
        .order_by(model.id)
        .limit(limit)
        .with_for_update(of=model, skip_locked=True)
    )
