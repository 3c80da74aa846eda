"""Timeline entries, and in-transaction listeners that act on them (e.g. queueing alerts).

A listener runs inside the unit of work that records the event, so whatever it writes (an
outbox row, say) commits or rolls back together with the event itself.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import EventKind, IncidentEvent

Listener = Callable[[AsyncSession, IncidentEvent], Awaitable[None]]

# The channel the person acting is on, while a channel's handler runs: entries recorded then
# say so (`via`), so the timeline shows an instruction came from LINE.
_VIA: ContextVar[str | None] = ContextVar("incident_event_via", default=None)


@contextlib.contextmanager
def via(channel: str) -> Iterator[None]:
    """Entries recorded within the block were made on `channel`."""
    token = _VIA.set(channel)
    try:
        yield
    finally:
        _VIA.reset(token)


class EventBus:
    """Listeners by event kind; one bus per running application."""

    def __init__(self) -> None:
        self._listeners: dict[EventKind, list[Listener]] = defaultdict(list)

    def subscribe(self, kind: EventKind, listener: Listener) -> None:
        """Run `listener` in the same transaction whenever an event of `kind` is recorded."""
        self._listeners[kind].append(listener)

    async def record(
        self,
        session: AsyncSession,
        incident_id: int,
        kind: EventKind,
        at: datetime,
        *,
        actor_person_id: int | None = None,
        text: str = "",
        **data: Any,
    ) -> IncidentEvent:
        """Add a timeline entry and run its listeners in the current transaction."""
        channel = _VIA.get()
        if channel is not None and actor_person_id is not None:
            data.setdefault("via", channel)
        event = IncidentEvent(
            incident_id=incident_id,
            kind=kind,
            at=at,
            actor_person_id=actor_person_id,
            text=text,
            data=data,
        )
        session.add(event)
        await session.flush()
        for listener in self._listeners[kind]:
            await listener(session, event)
        return event
