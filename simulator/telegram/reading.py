"""What the bot did, for tests: calls, messages, answers, pending updates."""

from __future__ import annotations

import copy

from simulator.telegram.models import (
    Call,
    CallbackAnswer,
    JSONDict,
    SentMessage,
)
from simulator.telegram.state import State, _norm_method


class Reading(State):
    """Snapshots of the recorded traffic (copies: safe to keep and change)."""

    # --------------------------------------------------------------- reading
    def mark(self) -> int:
        """A marker: pass as ``since=`` to see only messages/calls recorded after it."""
        with self._lock:
            return self._last_seq

    def calls(self, method: str | None = None, *, since: int | None = None) -> list[Call]:
        """Recorded requests (method names are matched case-insensitively)."""
        wanted = _norm_method(method)
        with self._lock:
            return [
                copy.deepcopy(c)
                for c in self._calls
                if (wanted is None or c.method.lower() == wanted)
                and (since is None or c.seq > since)
            ]

    def sent_messages(
        self, chat_id: int | None = None, *, since: int | None = None
    ) -> list[SentMessage]:
        """Messages the bot sent (snapshots, including deleted ones), oldest first."""
        with self._lock:
            return [
                copy.deepcopy(m)
                for m in self._sent
                if (chat_id is None or m.chat_id == chat_id) and (since is None or m.seq > since)
            ]

    def last_message(self, chat_id: int) -> SentMessage | None:
        with self._lock:
            for record in reversed(self._sent):
                if record.chat_id == chat_id:
                    return copy.deepcopy(record)
        return None

    def message(self, chat_id: int, message_id: int) -> JSONDict | None:
        """The current Message object (user's or bot's) or None if unknown/deleted."""
        with self._lock:
            found = self._messages.get((chat_id, message_id))
            return copy.deepcopy(found)

    def callback_answers(self, query_id: str | None = None) -> list[CallbackAnswer]:
        with self._lock:
            return [
                copy.deepcopy(a)
                for a in self._answers
                if query_id is None or a.query_id == query_id
            ]

    def pending_updates(self) -> list[JSONDict]:
        """Updates not yet confirmed by the bot (via a higher getUpdates offset)."""
        with self._lock:
            return [copy.deepcopy(p.update) for p in self._pending]

    @property
    def webhook_url(self) -> str | None:
        with self._lock:
            return None if self._webhook is None else self._webhook.url

    def reset(self) -> None:
        """Forget calls, messages, updates, faults, commands and webhook; keep actors/files."""
        with self._lock:
            self._init_runtime()
            self._notify()
