"""Taking updates in: commit them, then hand this process the ones it may handle at once."""

from __future__ import annotations

from collections.abc import Sequence

from incidents.clock import Clock
from incidents.inbox import store
from incidents.inbox.store import Arrival
from incidents.inbox.worker import InboxWorker
from storage.db import Database


class Intake:
    """Where a channel's polling loop or webhook puts what it received."""

    def __init__(self, db: Database, clock: Clock, worker: InboxWorker) -> None:
        self.db = db
        self.clock = clock
        self.worker = worker
        self.received = 0

    async def receive(self, arrivals: Sequence[Arrival]) -> int:
        """Commit the arrivals (repeats are dropped), then start the ones whose lane is free.

        Only once this returns may the channel be told the updates arrived. Returns how many
        were new.
        """
        if not arrivals:
            return 0
        now = self.clock.now()
        async with self.db.write() as session:
            added = await store.store(session, arrivals, now)
            # Claimed in the same transaction: the fast path costs no second round trip.
            claimed = (
                list(
                    await store.claim(
                        session,
                        self.worker.me,
                        now,
                        exclude=self.worker.running_ids(),
                        only=added,
                    )
                )
                if added
                else []
            )
        self.received += len(added)
        if claimed:
            self.worker.take(claimed)
        elif added:
            self.worker.wake()
        return len(added)
