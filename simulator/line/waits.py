"""Async waits for what the bot does, with a readable dump of the traffic when they time out."""

# The waits take `timeout` like the fake Bot API's do, so tests read the same on both
# channels; it bounds a poll that fails with the traffic dumped, which asyncio.timeout can't.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

from simulator.line.driving import Driving
from simulator.line.models import (
    ApiCall,
    Endpoint,
    Injected,
    SentMessage,
    UserRef,
    WebhookAttempt,
    user_id_of,
)

T = TypeVar("T")


class Waits(Driving):
    """Polling waits; they run in the caller's event loop, never on the server's."""

    async def wait_until(
        self,
        predicate: Callable[[], T | None],
        timeout: float = 5.0,
        *,
        interval: float = 0.01,
        what: str = "the condition",
    ) -> T:
        """Poll ``predicate`` until it returns something truthy and return that."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"timed out after {timeout} s waiting for {what}\n{self.dump()}"
                )
            await asyncio.sleep(interval)

    async def wait_for_message(
        self,
        user: UserRef,
        predicate: Callable[[SentMessage], bool] | None = None,
        timeout: float = 5.0,
        *,
        since: int | None = None,
        delivered: bool = True,
    ) -> SentMessage:
        """The first message object the bot sent to ``user`` (after ``since``) that matches."""
        user_id = user_id_of(user)

        def find() -> SentMessage | None:
            for message in self.sent_messages(user_id, since=since, delivered=delivered):
                if predicate is None or predicate(message):
                    return message
            return None

        return await self.wait_until(find, timeout, what=f"a message to {user_id}")

    async def wait_for_messages(
        self, user: UserRef, count: int, timeout: float = 5.0, *, since: int | None = None
    ) -> list[SentMessage]:
        """At least ``count`` delivered message objects to ``user`` after ``since``."""
        user_id = user_id_of(user)

        def find() -> list[SentMessage] | None:
            found = self.sent_messages(user_id, since=since, delivered=True)
            return found if len(found) >= count else None

        return await self.wait_until(find, timeout, what=f"{count} messages to {user_id}")

    async def wait_for_call(
        self,
        endpoint: Endpoint | str,
        predicate: Callable[[ApiCall], bool] | None = None,
        timeout: float = 5.0,
        *,
        since: int | None = None,
    ) -> ApiCall:
        """The first answered call of ``endpoint`` (after ``since``) that matches."""

        def find() -> ApiCall | None:
            for call in self.calls(endpoint, since=since):
                if call.status and (predicate is None or predicate(call)):
                    return call
            return None

        return await self.wait_until(find, timeout, what=f"a {endpoint} call")

    async def wait_for_ack(self, event: Injected | str, timeout: float = 5.0) -> WebhookAttempt:
        """The delivery of ``event`` that the bot answered with 2xx."""
        event_id = event if isinstance(event, str) else event.webhook_event_id

        def find() -> WebhookAttempt | None:
            return next((a for a in self.webhook_attempts(event_id) if a.acknowledged), None)

        return await self.wait_until(find, timeout, what=f"the bot to acknowledge {event_id}")

    async def wait_for_attempts(
        self, event: Injected | str, count: int, timeout: float = 5.0
    ) -> list[WebhookAttempt]:
        """At least ``count`` deliveries of ``event``, acknowledged or not."""
        event_id = event if isinstance(event, str) else event.webhook_event_id

        def find() -> list[WebhookAttempt] | None:
            found = self.webhook_attempts(event_id)
            return found if len(found) >= count else None

        return await self.wait_until(find, timeout, what=f"{count} deliveries of {event_id}")

    async def wait_idle(self, quiet: float = 0.1, timeout: float = 5.0) -> None:
        """Wait until every event was delivered or given up and no request came for ``quiet``.

        A heuristic: a bot busy elsewhere for longer than ``quiet`` looks idle.
        """
        last = (self.mark(), time.monotonic())

        def idle() -> bool:
            nonlocal last
            now = time.monotonic()
            if self.mark() != last[0]:
                last = (self.mark(), now)
            with self._lock:
                busy = self._in_flight > 0
            return not busy and self.webhook_idle() and now - last[1] >= quiet

        await self.wait_until(idle, timeout, what="the bot to become idle")

    def dump(self, limit: int = 20) -> str:
        """A summary of recent messages, calls and deliveries, for failure messages."""
        sent = self.sent_messages()[-limit:]
        lines = [f"--- messages the bot sent (last {len(sent)}):"]
        for m in sent:
            flag = "" if m.delivered else " (not delivered)"
            lines.append(f"  {m.kind} to {m.user_id} #{m.message_id} {m.type}{flag}: {m.text!r}")
        calls = self.calls()[-limit:]
        lines.append(f"--- calls (last {len(calls)}):")
        for c in calls:
            note = " (answer lost)" if c.lost else ""
            lines.append(f"  {c.method} {c.path} -> {c.status}{note} {c.response}"[:300])
        attempts = self.webhook_attempts()[-limit:]
        lines.append(f"--- webhook deliveries (last {len(attempts)}):")
        for a in attempts:
            again = " redelivery" if a.redelivery else ""
            lines.append(f"  {a.webhook_event_id}#{a.attempt}{again}: {a.status or a.error}")
        return "\n".join(lines)
