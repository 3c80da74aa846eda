"""Async waits for tests, and a readable dump of the traffic for their failures."""

# The waits take `timeout` and poll; on a timeout they fail with the traffic dumped,
# which asyncio.timeout can't do.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

from simulator.telegram.models import (
    Call,
    CallbackAnswer,
    SentMessage,
)
from simulator.telegram.reading import Reading

T = TypeVar("T")


class Waits(Reading):
    """Poll the recorded traffic until something appears."""

    async def wait_until(
        self,
        predicate: Callable[[], T | None],
        timeout: float = 5.0,
        *,
        interval: float = 0.01,
        what: str = "the condition",
    ) -> T:
        """Poll ``predicate`` until it returns something truthy and return that.

        Raises AssertionError with a dump of the recorded traffic after ``timeout``.
        """
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
        chat_id: int,
        predicate: Callable[[SentMessage], bool] | None = None,
        timeout: float = 5.0,
        *,
        since: int | None = None,
    ) -> SentMessage:
        """The first bot message in ``chat_id`` (after mark ``since``) matching ``predicate``."""

        def find() -> SentMessage | None:
            for message in self.sent_messages(chat_id, since=since):
                if predicate is None or predicate(message):
                    return message
            return None

        return await self.wait_until(
            find, timeout, what=f"a bot message in chat {chat_id} (since mark {since})"
        )

    async def wait_for_messages(
        self,
        chat_id: int,
        count: int,
        timeout: float = 5.0,
        *,
        since: int | None = None,
    ) -> list[SentMessage]:
        """At least ``count`` bot messages in ``chat_id`` after ``since``; returns them all."""

        def find() -> list[SentMessage] | None:
            found = self.sent_messages(chat_id, since=since)
            return found if len(found) >= count else None

        return await self.wait_until(
            find, timeout, what=f"{count} bot messages in chat {chat_id} (since mark {since})"
        )

    async def wait_for_call(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        timeout: float = 5.0,
        *,
        since: int | None = None,
    ) -> Call:
        """The first answered call of ``method`` (after ``since``) matching ``predicate``."""

        def find() -> Call | None:
            for call in self.calls(method, since=since):
                if call.status and (predicate is None or predicate(call)):
                    return call
            return None

        return await self.wait_until(find, timeout, what=f"a {method} call (since mark {since})")

    async def wait_for_callback_answer(
        self,
        query_id: str,
        timeout: float = 5.0,
    ) -> CallbackAnswer:
        def find() -> CallbackAnswer | None:
            answers = self.callback_answers(query_id)
            return answers[0] if answers else None

        return await self.wait_until(find, timeout, what=f"an answer to callback query {query_id}")

    async def wait_idle(
        self,
        quiet: float = 0.1,
        timeout: float = 5.0,
    ) -> None:
        """Wait until every queued update was fetched, no request is being answered and
        no request (getUpdates aside) arrived for ``quiet`` seconds. A heuristic: a
        handler busy elsewhere for longer than ``quiet`` looks idle."""

        def idle() -> bool:
            with self._lock:
                return (
                    self._in_flight == 0
                    and all(p.delivered > 0 for p in self._pending)
                    and time.monotonic() - self._last_activity >= quiet
                )

        await self.wait_until(idle, timeout, what="the bot to become idle")

    def dump(self, limit: int = 20) -> str:
        """Readable summary of recent bot messages and calls, for failure messages."""
        with self._lock:
            sent = self._sent[-limit:]
            calls = [c for c in self._calls if c.method != "getUpdates"][-limit:]
            polls = sum(1 for c in self._calls if c.method == "getUpdates")
            pending = len(self._pending)
        lines = [f"--- bot messages (last {len(sent)}):"]
        for m in sent:
            flags = " (deleted)" if m.deleted else ""
            buttons = f" buttons={m.callback_data}" if m.callback_data else ""
            lines.append(f"  chat={m.chat_id} #{m.message_id} {m.kind}{flags}: {m.text!r}{buttons}")
        lines.append(f"--- calls (last {len(calls)}, plus {polls} getUpdates):")
        for c in calls:
            params = {k: v for k, v in c.params.items() if k not in ("reply_markup",)}
            note = f" {c.description}" if c.description else ""
            lines.append(f"  {c.method} -> {c.status or 'pending'}{note} {params}"[:300])
        lines.append(f"--- updates not yet confirmed: {pending}")
        return "\n".join(lines)
