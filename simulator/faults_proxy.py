"""A fault-injecting HTTP proxy for any Bot API server (the chaos run of issue 12).

It listens on loopback and forwards `/bot<token>/<method>` requests to an upstream Bot API
(the fake in simulator/telegram/, or any other). For a fraction of the *send-type* requests
(sendMessage, sendPhoto, editMessageText, ... but not getUpdates unless asked) it injects one
fault instead:

- ``429``: Telegram's flood answer with ``parameters.retry_after``; nothing forwarded;
- ``500`` / ``502``: a server error; nothing forwarded;
- ``hang``: no answer until ``hang_seconds`` (past the client's timeout), then the
  connection is closed; nothing forwarded;
- ``reset``: the connection is reset (TCP RST) at once; nothing forwarded;
- ``answer_lost``: forwarded (the upstream acts on it), then the connection is reset
  instead of returning the answer: the client cannot know the message went out.

Every request is logged (:class:`ProxiedRequest`: method, chat, text, outcome); faults are
counted by kind. The server is raw asyncio HTTP/1.1 (keep-alive, Content-Length bodies) and
the upstream client is one ``httpx.AsyncClient``.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Self

import httpx

from simulator.proxy_http import (
    HOP_HEADERS,
    Request,
    error_answer,
    read_request,
    reset,
    summary,
    write_answer,
)


class FaultKind(StrEnum):
    """What the proxy does instead of (or after) forwarding a request."""

    TOO_MANY = "429"
    SERVER_ERROR = "500"
    BAD_GATEWAY = "502"
    HANG = "hang"
    RESET = "reset"
    ANSWER_LOST = "answer_lost"


ALL_FAULTS = tuple(FaultKind)
# Methods that change what a chat shows; getUpdates and the setup calls are left alone.
SEND_METHODS = frozenset(
    m.lower()
    for m in (
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendMediaGroup",
        "sendLocation",
        "sendVenue",
        "sendContact",
        "sendChatAction",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
        "deleteMessage",
        "answerCallbackQuery",
        "copyMessage",
        "forwardMessage",
    )
)


@dataclass
class ProxiedRequest:
    """One request the client made through the proxy."""

    seq: int
    time: float  # time.monotonic() when the request was read
    method: str  # as in the path (original case)
    chat_id: str | None
    text: str | None  # text or caption, when the body carries one
    callback_query_id: str | None
    fault: FaultKind | None  # None: forwarded and answered normally
    status: int = 0  # upstream status when forwarded (also for answer_lost), else 0


@dataclass
class FaultPlan:
    """Which requests get which fault."""

    rate: float = 0.2
    kinds: tuple[FaultKind, ...] = ALL_FAULTS
    methods: frozenset[str] = SEND_METHODS  # lower-case method names
    retry_after: int = 1
    hang_seconds: float = 25.0  # the program's send read timeout is 20 s
    seed: int | None = None
    _random: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)  # noqa: S311 - fault choice, not security

    def choose(self, method: str) -> FaultKind | None:
        """The fault for one request of `method`, or None to forward it as is."""
        if method.lower() not in self.methods or not self.kinds:
            return None
        if self._random.random() >= self.rate:
            return None
        return self._random.choice(self.kinds)


class FaultProxy:
    """The proxy, served on its own event loop in a daemon thread (like the fake Bot API)."""

    def __init__(self, upstream: str, plan: FaultPlan | None = None) -> None:
        self.upstream = upstream.rstrip("/")  # e.g. http://127.0.0.1:8081
        self.plan = plan or FaultPlan(rate=0.0)
        self._lock = threading.Lock()
        self._log: list[ProxiedRequest] = []
        self._faults: Counter[FaultKind] = Counter()
        self._port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopped: asyncio.Event | None = None

    # ------------------------------------------------------------ lifecycle
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    @property
    def base_url(self) -> str:
        """For the program's TELEGRAM_API_BASE_URL."""
        return f"{self.url}/bot"

    def start(self) -> Self:
        ready = threading.Event()
        self._thread = threading.Thread(
            target=lambda: asyncio.run(self._main(ready)), name="fault-proxy", daemon=True
        )
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the fault proxy did not start")
        return self

    def stop(self) -> None:
        loop, stopped = self._loop, self._stopped
        if loop is not None and stopped is not None:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(stopped.set)
        if self._thread is not None:
            self._thread.join(10)
        self._thread = self._loop = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    # ------------------------------------------------------------- reading
    def requests(self) -> list[ProxiedRequest]:
        """Every request so far, oldest first."""
        with self._lock:
            return list(self._log)

    def fault_counts(self) -> dict[FaultKind, int]:
        with self._lock:
            return dict(self._faults)

    def answer_lost(self) -> list[ProxiedRequest]:
        """The requests the upstream acted on whose answer the client never got."""
        return [r for r in self.requests() if r.fault is FaultKind.ANSWER_LOST]

    def set_rate(self, rate: float) -> None:
        """Change the fault rate (e.g. 0 while people join)."""
        with self._lock:
            self.plan.rate = rate

    # -------------------------------------------------------------- serving
    async def _main(self, ready: threading.Event) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopped = asyncio.Event()
        # Long polls last as long as the client asks; the client under test does the timing out.
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(600.0), limits=httpx.Limits(max_connections=200)
        )
        server = await asyncio.start_server(self._connection, "127.0.0.1", 0)
        self._port = int(server.sockets[0].getsockname()[1])
        ready.set()
        try:
            await self._stopped.wait()
        finally:
            server.close()
            await self._client.aclose()
            leftovers = asyncio.all_tasks() - {asyncio.current_task()}
            for task in leftovers:
                task.cancel()
            await asyncio.gather(*leftovers, return_exceptions=True)

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request = await read_request(reader)
                if request is None:
                    return
                if not await self._answer(request, writer):
                    return
        except (ConnectionError, asyncio.IncompleteReadError, ValueError):
            return
        except httpx.HTTPError:
            # The upstream server failed to answer: the client sees its connection end.
            return
        except asyncio.CancelledError:
            # The proxy is stopping: asyncio would report a cancelled connection task as an
            # error of its callback, so the connection simply ends here.
            return
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    async def _answer(self, request: Request, writer: asyncio.StreamWriter) -> bool:
        """Answer one request; False when the connection must end."""
        method = request.path.rstrip("/").rsplit("/", 1)[-1]
        is_api = request.path.startswith("/bot")
        with self._lock:
            fault = self.plan.choose(method) if is_api else None
            record = ProxiedRequest(
                len(self._log) + 1, time.monotonic(), method, *summary(request), fault=fault
            )
            self._log.append(record)
            if fault is not None:
                self._faults[fault] += 1
        if fault in (FaultKind.TOO_MANY, FaultKind.SERVER_ERROR, FaultKind.BAD_GATEWAY):
            code, body, extra = error_answer(int(fault.value), self.plan.retry_after)
            await write_answer(writer, code, body, extra=extra)
            return True
        if fault is FaultKind.HANG:
            await asyncio.sleep(self.plan.hang_seconds)
            return False
        if fault is FaultKind.RESET:
            reset(writer)
            return False
        answer = await self._client.request(
            request.verb,
            self.upstream + request.path,
            headers=[(k, v) for k, v in request.headers if k.lower() not in HOP_HEADERS],
            content=request.body,
        )
        record.status = answer.status_code
        if fault is FaultKind.ANSWER_LOST:
            reset(writer)
            return False
        content_type = answer.headers.get("content-type", "application/json")
        extra = (
            [("Retry-After", answer.headers["retry-after"])]
            if "retry-after" in answer.headers
            else []
        )
        await write_answer(writer, answer.status_code, answer.content, content_type, extra)
        return True
