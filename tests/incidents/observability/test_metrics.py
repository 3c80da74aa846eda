"""The process's latency histograms and counters, fed where updates and deliveries settle."""

from __future__ import annotations

from datetime import timedelta

from incidents.inbox import store as inbox
from incidents.inbox.worker import InboxWorker
from incidents.observability import metrics
from incidents.outbox.delivery import OutcomeKind, SendOutcome
from incidents.outbox.render import Method, Rendered
from incidents.text.rich import Text
from storage.db import Database
from storage.models import InboxUpdate
from tests.support.clock import ManualClock

HANDLING = "incident_bot_update_handling_seconds"


def sample(name: str, **labels: str) -> float:
    """A sample of the process's registry now (0 when it has none yet)."""
    return metrics.REGISTRY.get_sample_value(name, labels) or 0.0


async def handle_all(worker: InboxWorker) -> None:
    """Claim what is due and wait until it has been handled."""
    worker.open()
    assert await worker.run_once() == 1
    await worker.drain()


async def test_an_update_handled_is_timed_from_its_arrival(db: Database, clock: ManualClock):
    async with db.write() as session:
        await inbox.store(session, [inbox.Arrival("telegram", "1", "user:1", {})], clock.now())
    handled: list[int] = []

    async def handler(row: InboxUpdate) -> None:
        handled.append(row.id)
        clock.advance(timedelta(seconds=3))

    worker = InboxWorker(db, clock, "test-instance", {"telegram": handler})
    count, total = sample(f"{HANDLING}_count"), sample(f"{HANDLING}_sum")

    await handle_all(worker)

    assert handled
    assert sample(f"{HANDLING}_count") == count + 1
    assert sample(f"{HANDLING}_sum") == total + 3.0


async def test_an_update_whose_handling_failed_is_not_timed(db: Database, clock: ManualClock):
    async with db.write() as session:
        await inbox.store(session, [inbox.Arrival("telegram", "2", "user:2", {})], clock.now())

    async def handler(row: InboxUpdate) -> None:
        raise RuntimeError("a bug")

    worker = InboxWorker(db, clock, "test-instance", {"telegram": handler})
    count = sample(f"{HANDLING}_count")

    await handle_all(worker)

    assert sample(f"{HANDLING}_count") == count


class ScriptedSender:
    """Answers each send with the next outcome."""

    def __init__(self, *outcomes: OutcomeKind) -> None:
        self.outcomes = list(outcomes)

    async def send(
        self, chat_id: int, rendered: Rendered, reply_to: int | None, target: int | None
    ) -> SendOutcome:
        return SendOutcome(self.outcomes.pop(0))


async def test_each_send_is_counted_by_how_the_channel_answered():
    kinds = [OutcomeKind.SENT, OutcomeKind.SENT, OutcomeKind.UNREACHABLE, OutcomeKind.UNEXPECTED]
    sender = metrics.CountingSender(ScriptedSender(*kinds))
    before = {kind: sample("incident_bot_deliveries_total", result=kind.value) for kind in kinds}
    rendered = Rendered(Method.TEXT, Text())

    for _ in kinds:
        await sender.send(2001, rendered, None, None)

    def grew(kind: OutcomeKind) -> float:
        return sample("incident_bot_deliveries_total", result=kind.value) - before[kind]

    assert grew(OutcomeKind.SENT) == 2
    assert grew(OutcomeKind.UNREACHABLE) == 1
    assert grew(OutcomeKind.UNEXPECTED) == 1
