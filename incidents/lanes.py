"""Claims lane by lane, shared by the inbox and the outbox.

Rows with one lane (one person's updates, one chat's messages) are worked one at a time, in id
order. A claim takes only the head of each lane: the oldest pending row, and only while no
live instance holds another row of that lane. On PostgreSQL the rows are locked with
FOR UPDATE SKIP LOCKED, so replicas claiming at once take different rows instead of waiting;
SQLite has one writer at a time and needs no lock.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import BindParameter, ColumnElement, Select, and_, bindparam, exists, select
from sqlalchemy.orm import aliased

from incidents.instances import DEAD_AFTER, claim_is_free
from storage.models import Delivery, DeliveryStatus, InboxStatus, InboxUpdate

# The tables worked lane by lane.
Row = TypeVar("Row", InboxUpdate, Delivery)
Pending = InboxStatus | DeliveryStatus

# A claim runs after every commit, so its query is built once per process (callers keep it)
# with these parameters, and each round only binds them: building it anew cost about 2 ms of
# CPU a round, most of it SQLAlchemy adapting the columns of a fresh alias.
NOW: BindParameter[datetime] = bindparam("now")
DEAD_BEFORE: BindParameter[datetime] = bindparam("dead_before")
EXCLUDE: BindParameter[list[int]] = bindparam("exclude", expanding=True)

_OTHER: dict[type, Any] = {
    InboxUpdate: aliased(InboxUpdate, name="lane_other"),
    Delivery: aliased(Delivery, name="lane_other"),
}


def claim_params(now: datetime, exclude: Collection[int], **more: Any) -> dict[str, Any]:
    """The values of a claim query's parameters."""
    return {"now": now, "dead_before": now - DEAD_AFTER, "exclude": list(exclude), **more}


def head_of_lane(model: type[Row], pending: Pending) -> ColumnElement[bool]:
    """No other pending row of the same lane comes first or is held by a live instance."""
    other = _OTHER[model]
    return ~exists().where(
        and_(
            other.lane == model.lane,
            other.status == pending,
            other.id != model.id,
            (other.id < model.id) | ~claim_is_free(other.claimed_by, "", DEAD_BEFORE),
        )
    )


def claimable_heads(
    model: type[Row],
    pending: Pending,
    *,
    free: ColumnElement[bool],
    where: Sequence[ColumnElement[bool]] = (),
) -> Select[Row]:
    """The due, pending heads of lanes whose claim is `free`, oldest first, locked for the
    claim; the `exclude` parameter holds the rows this process is working on, `where` any
    further rule. The caller adds its limit and binds claim_params()."""
    return (
        select(model)
        .where(
            model.status == pending,
            model.next_attempt_at <= NOW,
            free,
            head_of_lane(model, pending),
            model.id.not_in(EXCLUDE),
            *where,
        )
        .order_by(model.id)
        .with_for_update(of=model, skip_locked=True)
    )
