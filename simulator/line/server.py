"""The fake LINE Platform's HTTP side: two loopback listeners (API and data host) and the
webhook sender, on uvicorn in a background thread with its own event loop."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from types import TracebackType

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from simulator.line.api import ApiRequest, Outcome
from simulator.line.dispatch import Delivery
from simulator.line.waits import Waits

__all__ = ["FakeLinePlatform"]


def _listener(port: int) -> socket.socket:
    # proto must be IPPROTO_TCP: asyncio sets TCP_NODELAY only on sockets that say TCP.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", port))
    return sock


class FakeLinePlatform(Waits):
    """The fake LINE Platform: state, API, users' actions, waits, and an HTTP server.

    ``start()``/``stop()`` or ``with FakeLinePlatform(...) as line:``. Point the SDK at
    ``line.api_url`` (``Configuration(host=...)``) and at ``line.data_url`` for content.
    """

    _ports: tuple[int, int] | None = None
    _thread: threading.Thread | None = None
    _loop: asyncio.AbstractEventLoop | None = None
    _server: uvicorn.Server | None = None
    _wakeup: asyncio.Event | None = None
    _stop_event: asyncio.Event | None = None

    # ------------------------------------------------------------- lifecycle
    @property
    def api_url(self) -> str:
        """Base URL standing for ``https://api.line.me``."""
        return f"http://127.0.0.1:{self._bound()[0]}"

    @property
    def data_url(self) -> str:
        """Base URL standing for ``https://api-data.line.me`` (message content)."""
        return f"http://127.0.0.1:{self._bound()[1]}"

    def _bound(self) -> tuple[int, int]:
        if self._ports is None:
            raise RuntimeError("FakeLinePlatform is not started")
        return self._ports

    def start(self) -> FakeLinePlatform:
        """Listen on two loopback ports (the same ones again after ``stop()``)."""
        if self._thread is not None:
            raise RuntimeError("already started")
        api_port, data_port = self._ports or (0, 0)
        sockets = [_listener(api_port), _listener(data_port)]
        self._ports = (sockets[0].getsockname()[1], sockets[1].getsockname()[1])
        app = Starlette(routes=[Route("/{path:path}", self._endpoint, methods=["GET", "POST"])])
        config = uvicorn.Config(
            app, log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=1
        )
        self._server = server = uvicorn.Server(config)
        ready = threading.Event()
        self._thread = threading.Thread(
            target=self._thread_main, args=(server, sockets, ready), name="fake-line", daemon=True
        )
        self._thread.start()
        ready.wait(10)
        if not server.started:
            self.stop()
            raise RuntimeError("the fake LINE Platform did not start")
        return self

    def stop(self) -> None:
        """Stop serving; state is kept and ``start()`` listens on the same ports again."""
        thread, loop = self._thread, self._loop
        if thread is None:
            return
        if loop is not None:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._stop_all)
        thread.join(5)
        self._thread = self._server = self._loop = None
        self._notify = lambda: None

    def __enter__(self) -> FakeLinePlatform:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _thread_main(
        self, server: uvicorn.Server, sockets: list[socket.socket], ready: threading.Event
    ) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        try:
            loop.run_until_complete(self._serve(server, sockets, ready))
        finally:
            ready.set()
            for sock in sockets:
                sock.close()
            loop.close()

    async def _serve(
        self, server: uvicorn.Server, sockets: list[socket.socket], ready: threading.Event
    ) -> None:
        self._wakeup = asyncio.Event()
        self._stop_event = stop = asyncio.Event()
        loop = asyncio.get_running_loop()

        def notify() -> None:
            with contextlib.suppress(RuntimeError):  # the loop is closed already
                loop.call_soon_threadsafe(self._pulse)

        self._notify = notify
        serving = asyncio.create_task(server.serve(sockets=sockets))
        sender = asyncio.create_task(self._webhook_sender())
        while not server.started and not serving.done():  # noqa: ASYNC110 - uvicorn has no event
            await asyncio.sleep(0.005)
        ready.set()
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait([serving, stopping], return_when=asyncio.FIRST_COMPLETED)
        # Quicker than uvicorn's own shutdown: stop accepting, close connections, cancel.
        for listener in getattr(server, "servers", []):
            listener.close()
        for connection in list(server.server_state.connections):
            connection.shutdown()
        deadline = time.monotonic() + 2
        while server.server_state.tasks and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.005)
        for task in (serving, sender, stopping):
            task.cancel()
        await asyncio.gather(serving, sender, stopping, return_exceptions=True)

    def _pulse(self) -> None:
        if self._wakeup is not None:
            self._wakeup.set()
            self._wakeup = asyncio.Event()

    def _stop_all(self) -> None:
        if self._stop_event is not None:
            self._stop_event.set()
        self._pulse()

    async def _wait_news(self, event: asyncio.Event | None, seconds: float) -> None:
        if event is not None and seconds > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), seconds)

    # ------------------------------------------------------------------ HTTP
    async def _endpoint(self, request: Request) -> Response:
        data_host = request.scope["server"][1] == self._bound()[1]
        headers = {k.lower(): v for k, v in request.headers.items()}
        body = await request.body()
        try:
            outcome = self.handle(
                ApiRequest(request.method, request.url.path, headers, body, data_host)
            )
            if outcome.delay > 0:
                await self._wait_news(self._stop_event, outcome.delay)
            if outcome.lose:
                self._drop_connection(request)
            return _response(outcome)
        finally:
            self.request_done()

    def _drop_connection(self, request: Request) -> None:
        """Close the client's connection before any byte of the answer is written."""
        server, client = self._server, request.scope.get("client")
        for connection in list(server.server_state.connections if server else []):
            if getattr(connection, "client", None) == tuple(client or ()):
                connection.transport.close()

    # -------------------------------------------------------------- webhooks
    async def _webhook_sender(self) -> None:
        """POST queued events to the webhook URL one at a time, redelivering failures."""
        stop = self._stop_event
        assert stop is not None
        async with httpx.AsyncClient(timeout=self.webhook_timeout) as client:
            # Checked each turn: asyncio.wait_for of Python 3.11 can swallow a cancellation.
            while not stop.is_set():
                wakeup = self._wakeup
                due = self._next_delivery()
                if due is None or isinstance(due, float):
                    await self._wait_news(wakeup, 1.0 if due is None else due)
                    continue
                status, error = await _post(client, due)
                self._delivery_done(due, status, error)


async def _post(client: httpx.AsyncClient, delivery: Delivery) -> tuple[int | None, str | None]:
    """Send one webhook; the error names follow the console's error statistics."""
    try:
        answer = await client.post(delivery.url, content=delivery.body, headers=delivery.headers)
    except httpx.TimeoutException:
        return None, "request_timeout"
    except httpx.ConnectError:
        return None, "could_not_connect"
    except httpx.HTTPError as exc:
        return None, f"unclassified: {type(exc).__name__}"
    if answer.is_success:
        return answer.status_code, None
    return answer.status_code, "error_status_code"


def _response(outcome: Outcome) -> Response:
    return Response(
        outcome.body,
        status_code=outcome.status,
        headers=outcome.headers,
        media_type=outcome.media_type,
    )
