"""The process's own metrics: counters and histograms the outbox and the inbox feed as they go.

They live in a registry of their own (not prometheus_client's global one), read by /metrics
together with the gauges computed from the database at scrape time (incidents/observability/
scrape.py). Callers use the small functions below, one line where they record something.
"""

from __future__ import annotations

from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.gc_collector import GCCollector
from prometheus_client.process_collector import ProcessCollector

from incidents.outbox.delivery import OutcomeKind, Sender, SendOutcome
from incidents.outbox.render import Rendered
from storage.models import Delivery, DeliveryStatus

PREFIX = "incident_bot"

# Seconds: most updates are handled and most alerts sent well under a second; the long tail
# (retries, flood waits, restarts) is what an operator must see, up to the ten-minute mark.
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600)

REGISTRY = CollectorRegistry(auto_describe=True)
ProcessCollector(registry=REGISTRY)
GCCollector(registry=REGISTRY)

DELIVERIES = Counter(
    f"{PREFIX}_deliveries",
    "Sends of outbox rows to a chat channel, by how the channel answered.",
    ["result"],
    registry=REGISTRY,
)
FLOOD_LIMITS = Counter(
    f"{PREFIX}_flood_limits",
    "Flood-limit answers (HTTP 429, retry_after) from the chat channel, retried ones included.",
    registry=REGISTRY,
)
HANDLING_SECONDS = Histogram(
    f"{PREFIX}_update_handling_seconds",
    "From an incoming update's arrival in the inbox to its handling.",
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)
DELIVERY_SECONDS = Histogram(
    f"{PREFIX}_delivery_seconds",
    "From an outbox row's creation to the channel accepting it.",
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)

# The last reading of LINE's monthly message quota; NaN until read, and the limit NaN when the
# Official Account has no target limit.
LINE_QUOTA_LIMIT = Gauge(
    f"{PREFIX}_line_quota_limit",
    "The LINE Official Account's monthly message quota (target limit), as last read.",
    registry=REGISTRY,
)
LINE_QUOTA_USED = Gauge(
    f"{PREFIX}_line_quota_used",
    "Messages counted against this month's LINE quota, as last read.",
    registry=REGISTRY,
)
LINE_QUOTA_LIMIT.set(float("nan"))
LINE_QUOTA_USED.set(float("nan"))

# Every result is exported from the start, at zero, so a rate over it never lacks a series.
for _kind in OutcomeKind:
    DELIVERIES.labels(result=_kind.value)


def count_outcome(kind: OutcomeKind) -> None:
    """One send was answered so."""
    DELIVERIES.labels(result=kind.value).inc()


def count_flood_limit() -> None:
    """The channel answered a request with a flood limit."""
    FLOOD_LIMITS.inc()


def line_quota_read(limit: int | None, used: int) -> None:
    """LINE's monthly quota was read: its limit (None: no target limit) and what is used."""
    LINE_QUOTA_LIMIT.set(float("nan") if limit is None else limit)
    LINE_QUOTA_USED.set(used)


def observe_handling(seconds: float) -> None:
    """An incoming update was handled this long after it arrived."""
    HANDLING_SECONDS.observe(max(0.0, seconds))


def update_handled(received_at: datetime, now: datetime, *, failed: bool = False) -> None:
    """An inbox update received at `received_at` is settled at `now` (failures not counted)."""
    if not failed:
        observe_handling((now - received_at).total_seconds())


def delivery_settled(delivery: Delivery, now: datetime) -> None:
    """An outbox row was settled at `now`: observed when it was sent, not when given up."""
    if delivery.status is DeliveryStatus.SENT:
        DELIVERY_SECONDS.observe(max(0.0, (now - delivery.created_at).total_seconds()))


class CountingSender:
    """A channel's sender whose every outcome is counted by kind."""

    def __init__(self, sender: Sender) -> None:
        self.sender = sender

    async def send(
        self, chat_id: int, rendered: Rendered, reply_to: int | None, target: int | None
    ) -> SendOutcome:
        """Send through the wrapped sender and count how it went."""
        outcome = await self.sender.send(chat_id, rendered, reply_to, target)
        count_outcome(outcome.kind)
        return outcome
