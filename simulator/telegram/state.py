"""The simulator's state, shared by every part of it, under one lock.

Everything here is guarded by one ``threading.Lock``: the HTTP server thread, the test's
thread and the sandbox's web pages all call in. Methods whose name ends in ``_locked``
expect the lock held. Each change a person in a chat would see is logged as a
:class:`~simulator.telegram.models.Change` (see :mod:`simulator.telegram.feed`).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from simulator.telegram.models import (
    Call,
    CallbackAnswer,
    Change,
    FakeUser,
    Injected,
    JSONDict,
    Outcome,
    SentMessage,
    StoredFile,
)

MessageRef = SentMessage | Injected | JSONDict | int

# The example token of the Bot API documentation: only ever sent to the simulator.
DEFAULT_TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"  # noqa: S105
# Update types delivered when allowed_updates is empty or was never set.
DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: error injected by the test",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


@dataclass
class _Pending:
    update: JSONDict
    delivered: int = 0
    force: bool = False  # redelivered: survives one offset confirmation


@dataclass
class _Fault:
    method: str | None  # lower-case method name; None = any method
    code: int
    description: str
    retry_after: int | None
    times: int
    chat_id: str | None


@dataclass
class _Delay:
    method: str
    seconds: float
    times: int
    chat_id: str | None


@dataclass
class _Query:
    chat_id: int | None
    created: float
    answered: bool = False
    message_id: int | None = None


@dataclass
class _RateLimits:
    per_chat_per_second: float
    global_per_second: float
    group_per_minute: float
    per_chat: dict[int, deque[float]] = field(default_factory=dict)
    overall: deque[float] = field(default_factory=deque)


@dataclass
class _Webhook:
    url: str
    secret_token: str | None
    max_connections: int
    last_error_date: int | None = None
    last_error_message: str | None = None


def _norm_method(name: str | None) -> str | None:
    return None if name is None else name.lower()


@dataclass(frozen=True)
class FloodLimits:
    """Telegram's documented flood limits for sending messages (the Bot FAQ's numbers).

    About one message per second in one chat, 20 messages per minute in one group, and
    about 30 messages per second overall. A bot that sends faster gets ``429`` with
    ``parameters.retry_after``.
    """

    per_chat_per_second: float = 1
    group_per_minute: float = 20
    global_per_second: float = 30


class State:
    """Storage, actors, update queue, recorded calls, faults and the change log."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "phichit_incident_bot",
        bot_first_name: str = "Incident Bot",
        *,
        strict_html: bool = True,
        callback_query_timeout: float | None = None,
        flood_limits: FloodLimits | None = None,
    ) -> None:
        head, _, _ = token.partition(":")
        if not head.isdigit():
            raise ValueError(f"token must look like '<bot id>:<secret>', got {token!r}")
        self.token = token
        self.bot_id = int(head)
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.strict_html = strict_html
        self.callback_query_timeout = callback_query_timeout
        self._lock = threading.Lock()
        self._notify: Callable[[], None] = lambda: None  # wakes long polls; set by the server
        # Kept across reset():
        self._users: dict[int, FakeUser] = {}
        self._chats: dict[int, JSONDict] = {}
        self._started: set[int] = set()
        self._files: dict[str, StoredFile] = {}
        self._files_by_path: dict[str, StoredFile] = {}
        self._seq = itertools.count(1)
        self._last_seq = 0
        self._update_ids = itertools.count(10001)
        self._query_ids = itertools.count(1)
        self._file_counter = itertools.count(1)
        self._media_groups = itertools.count(13_000_000_000_000_001)
        self._message_ids: dict[int, int] = {}
        self._poll_generation = 0
        self._in_flight = 0  # requests being answered, getUpdates excluded
        self._last_activity = time.monotonic()
        self._flood_limits = flood_limits
        self._watchers: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()
        self._init_runtime()

    def _init_runtime(self) -> None:
        self._calls: list[Call] = []
        self._sent: list[SentMessage] = []
        self._sent_index: dict[tuple[int, int], SentMessage] = {}
        self._messages: dict[tuple[int, int], JSONDict] = {}
        self._pending: list[_Pending] = []
        self._queries: dict[str, _Query] = {}
        self._answers: list[CallbackAnswer] = []
        self._commands: dict[tuple[str, str], list[JSONDict]] = {}
        self._menu_buttons: dict[int | None, JSONDict] = {}
        self._faults: list[_Fault] = []
        self._delays: list[_Delay] = []
        self._blocked: set[int] = set()
        self._webhook: _Webhook | None = None
        self._allowed_updates: list[str] = []
        limits = self._flood_limits
        self._rate: _RateLimits | None = None
        if limits is not None:
            self._rate = _RateLimits(
                limits.per_chat_per_second, limits.global_per_second, limits.group_per_minute
            )
        self._rate_limited = 0
        self._changes: list[Change] = []

    # ----------------------------------------------------------------- helpers
    def _next_seq_locked(self) -> int:
        self._last_seq = next(self._seq)
        return self._last_seq

    @property
    def bot_user(self) -> JSONDict:
        """The bot's User object (``from`` of its messages)."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def _next_message_id_locked(self, chat_id: int) -> int:
        self._message_ids[chat_id] = self._message_ids.get(chat_id, 0) + 1
        return self._message_ids[chat_id]

    def _enqueue_locked(self, update: JSONDict, *, force: bool = False) -> None:
        self._pending.append(_Pending(update=update, force=force))
        self._pending.sort(key=lambda p: int(p.update["update_id"]))
        self._notify()

    def _resolve_user_locked(self, user: FakeUser | int) -> FakeUser:
        user_id = user.id if isinstance(user, FakeUser) else user
        try:
            return self._users[user_id]
        except KeyError:
            raise ValueError(f"unknown user {user_id}: call add_user() first") from None

    def _resolve_message_locked(self, ref: MessageRef, default_chat: int) -> tuple[int, int]:
        if isinstance(ref, SentMessage):
            return ref.chat_id, ref.message_id
        if isinstance(ref, Injected):
            return ref.chat_id, ref.message_id
        if isinstance(ref, dict):
            found = ref["message"] if "message_id" not in ref and "message" in ref else ref
            return int(found["chat"]["id"]), int(found["message_id"])
        return default_chat, ref

    def _finish_locked(self, call: Call, status: int, payload: JSONDict) -> Outcome:
        body = json.dumps(payload, ensure_ascii=False).encode()
        call.status = status
        call.response = json.loads(body)
        return Outcome(call, status, body)

    @staticmethod
    def _quoted(message: JSONDict) -> JSONDict:
        """A message as embedded in reply_to_message (Telegram does not nest deeper)."""
        return {k: copy.deepcopy(v) for k, v in message.items() if k != "reply_to_message"}

    # ------------------------------------------------------------- change log
    def _change_locked(
        self, chat_id: int, kind: str, message_id: int | None = None, query_id: str | None = None
    ) -> None:
        """Log what a person in ``chat_id`` sees change and wake whoever watches."""
        self._changes.append(Change(self._next_seq_locked(), chat_id, kind, message_id, query_id))
        for loop, event in list(self._watchers):
            with contextlib.suppress(RuntimeError):  # that loop is closed: forget it
                loop.call_soon_threadsafe(event.set)
                continue
            self._watchers.discard((loop, event))
