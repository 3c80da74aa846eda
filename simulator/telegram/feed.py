"""The change feed: what changed in the chats since a sequence number, to stream to a page."""

# wait_for_changes takes `timeout` like a long poll does: it answers [] when it runs out.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from simulator.telegram.models import Change
from simulator.telegram.state import State


class Feed(State):
    """``changes_since(seq)`` to poll, ``wait_for_changes`` and ``watch`` to await.

    The waits work from any event loop in any thread (the sandbox's web server runs in
    the product's loop, the simulator in its own thread).
    """

    def changes_since(self, seq: int = 0, chat_id: int | None = None) -> list[Change]:
        """Changes numbered after ``seq`` (in ``chat_id`` only, if given), oldest first."""
        with self._lock:
            return [
                c
                for c in self._changes
                if c.seq > seq and (chat_id is None or c.chat_id == chat_id)
            ]

    @property
    def last_seq(self) -> int:
        """The sequence number of the newest call, message or change; a start for the feed."""
        with self._lock:
            return self._last_seq

    async def wait_for_changes(
        self, since: int, chat_id: int | None = None, timeout: float = 25.0
    ) -> list[Change]:
        """The changes after ``since``, as soon as there is one; ``[]`` after ``timeout``."""
        loop = asyncio.get_running_loop()
        watcher = (loop, asyncio.Event())
        with self._lock:
            self._watchers.add(watcher)
        try:
            deadline = loop.time() + timeout
            while True:
                watcher[1].clear()  # cleared before looking, so no change is missed
                found = self.changes_since(since, chat_id)
                remaining = deadline - loop.time()
                if found or remaining <= 0:
                    return found
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(watcher[1].wait(), remaining)
        finally:
            with self._lock:
                self._watchers.discard(watcher)

    async def watch(self, since: int = 0, chat_id: int | None = None) -> AsyncIterator[Change]:
        """Every change after ``since``, forever (stop by leaving the ``async for``)."""
        while True:
            for change in await self.wait_for_changes(since, chat_id):
                since = change.seq
                yield change
