"""/metrics at scrape time: the gauges read from the database, with the process's counters.

A scrape costs three queries, each led by an index on the status: the outbox's and the inbox's
pending rows, and the open incidents not yet acknowledged (read among the open ones: there is
no index on the acknowledgement). Ages are measured on the core's clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.core import Core
from incidents.inbox import store as inbox
from incidents.observability.metrics import PREFIX, REGISTRY
from storage.models import OPEN_STATUSES, Delivery, DeliveryStatus, Incident, Urgency

CONTENT_TYPE = CONTENT_TYPE_LATEST


@dataclass(frozen=True, slots=True)
class Backlog:
    """Rows waiting, and how long the oldest has waited (0 when none does)."""

    count: int
    oldest_age_s: float


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What the database says at one scrape."""

    outbox: Backlog
    inbox: Backlog
    unacknowledged: dict[Urgency, int]


def _backlog(count: int, oldest: datetime | None, now: datetime) -> Backlog:
    age = 0.0 if oldest is None else max(0.0, (now - oldest).total_seconds())
    return Backlog(count, age)


async def _outbox(session: AsyncSession) -> tuple[int, datetime | None]:
    row = (
        await session.execute(
            select(func.count(Delivery.id), func.min(Delivery.created_at)).where(
                Delivery.status == DeliveryStatus.PENDING
            )
        )
    ).one()
    return int(row[0]), row[1]


async def _unacknowledged(session: AsyncSession, province_id: int) -> dict[Urgency, int]:
    rows = await session.execute(
        select(Incident.urgency, func.count(Incident.id))
        .where(
            Incident.province_id == province_id,
            # IN, not !=: an index on the status can serve it.
            Incident.status.in_(OPEN_STATUSES),
            Incident.acknowledged_at.is_(None),
            Incident.drill_id.is_(None),
        )
        .group_by(Incident.urgency)
    )
    counts = dict.fromkeys(Urgency, 0)
    for urgency, count in rows:
        counts[urgency] = int(count)
    return counts


async def snapshot(core: Core) -> Snapshot:
    """Read the scrape's gauges in one read-only session."""
    async with core.reading() as session:
        outbox_count, outbox_oldest = await _outbox(session)
        inbox_count, inbox_oldest = await inbox.backlog(session)
        unacknowledged = await _unacknowledged(session, core.province_id)
    now = core.clock.now()
    return Snapshot(
        outbox=_backlog(outbox_count, outbox_oldest, now),
        inbox=_backlog(inbox_count, inbox_oldest, now),
        unacknowledged=unacknowledged,
    )


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(f"{PREFIX}_{name}", documentation, value=value)


class _Scrape:
    """One scrape's families: the process's registry, then the snapshot's gauges."""

    def __init__(self, taken: Snapshot) -> None:
        self.taken = taken

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()
        taken = self.taken
        yield _gauge("outbox_pending", "Outbox rows waiting to be sent.", taken.outbox.count)
        yield _gauge(
            "outbox_oldest_pending_age_seconds",
            "How long the oldest waiting outbox row has waited.",
            taken.outbox.oldest_age_s,
        )
        yield _gauge("inbox_backlog", "Incoming updates waiting to be handled.", taken.inbox.count)
        yield _gauge(
            "inbox_oldest_pending_age_seconds",
            "How long the oldest waiting incoming update has waited.",
            taken.inbox.oldest_age_s,
        )
        by_urgency = GaugeMetricFamily(
            f"{PREFIX}_unacknowledged_incidents",
            "Open incidents no one has acknowledged yet, drills left out.",
            labels=["urgency"],
        )
        for urgency, count in taken.unacknowledged.items():
            by_urgency.add_metric([urgency.value], count)
        yield by_urgency


async def exposition(core: Core) -> bytes:
    """The Prometheus text exposition of everything, read now."""
    return generate_latest(_Scrape(await snapshot(core)))
