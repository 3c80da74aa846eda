"""The simulator as a real HTTP server on loopback, in a background thread."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import socket
import threading
import time
from types import TracebackType
from typing import Self

import uvicorn
from starlette.applications import Starlette
from starlette.routing import Route

from simulator.telegram.endpoints import Endpoints
from simulator.telegram.state import DEFAULT_TOKEN, FloodLimits
from simulator.telegram.waits import Waits


class FakeBotAPI(Endpoints, Waits):
    """The fake Bot API: state + methods (see the base classes) + an HTTP server.

    ``start()``/``stop()`` or ``with FakeBotAPI() as api:``. The server runs uvicorn on
    its own event loop in a daemon thread, so the bot may run in the test's loop or in
    another process.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "phichit_incident_bot",
        bot_first_name: str = "Incident Bot",
        *,
        port: int = 0,
        strict_html: bool = True,
        callback_query_timeout: float | None = None,
        flood_limits: FloodLimits | None = FloodLimits(),  # noqa: B008 - frozen, shared
    ) -> None:
        super().__init__(
            token,
            bot_username,
            bot_first_name,
            strict_html=strict_html,
            callback_query_timeout=callback_query_timeout,
            flood_limits=flood_limits,
        )
        self._requested_port = port
        self._port: int | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: uvicorn.Server | None = None
        self._wakeup: asyncio.Event | None = None
        self._stop_event: asyncio.Event | None = None
        self._stopping = False

    # ------------------------------------------------------------ lifecycle
    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("FakeBotAPI is not started")
        return self._port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """For ``Bot(base_url=...)``: PTB appends ``<token>/<method>``."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    def start(self) -> Self:
        if self._thread is not None:
            raise RuntimeError("already started")
        # proto must be IPPROTO_TCP (not 0): asyncio only sets TCP_NODELAY on accepted
        # sockets whose proto says TCP; without it every answer waits ~40 ms (Nagle).
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind(("127.0.0.1", self._port or self._requested_port))  # restart: same port
        self._port = int(sock.getsockname()[1])
        config = uvicorn.Config(
            Starlette(routes=[Route("/{path:path}", self._endpoint, methods=["GET", "POST"])]),
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=1,
        )
        server = uvicorn.Server(config)
        self._server = server
        self._stopping = False
        ready = threading.Event()
        self._thread = threading.Thread(
            target=self._thread_main, args=(server, sock, ready), name="fake-bot-api", daemon=True
        )
        self._thread.start()
        ready.wait(10)
        if not server.started:
            self.stop()
            raise RuntimeError("the fake Bot API server did not start")
        return self

    def stop(self) -> None:
        """Stop the server: answers in progress (long polls, delays) are cut short.

        State is kept, and ``start()`` again listens on the same port, so a test can
        simulate Telegram being unreachable for a while.
        """
        thread, server, loop = self._thread, self._server, self._loop
        if thread is None or server is None:
            return
        self._stopping = True
        if loop is not None:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._wake_all)
        thread.join(5)
        if thread.is_alive():  # pragma: no cover - fall back on uvicorn's own shutdown
            server.should_exit = server.force_exit = True
            thread.join(5)
        self._thread = self._server = self._loop = None
        self._notify = lambda: None
        self._stopping = False

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _thread_main(
        self, server: uvicorn.Server, sock: socket.socket, ready: threading.Event
    ) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        try:
            loop.run_until_complete(self._serve(server, sock, ready))
            leftovers = asyncio.all_tasks(loop)
            for task in leftovers:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*leftovers, return_exceptions=True))
        finally:
            ready.set()
            sock.close()
            loop.close()

    async def _serve(
        self, server: uvicorn.Server, sock: socket.socket, ready: threading.Event
    ) -> None:
        self._wakeup = asyncio.Event()
        self._stop_event = stop_event = asyncio.Event()
        loop = asyncio.get_running_loop()

        def notify() -> None:
            with contextlib.suppress(RuntimeError):  # loop already closed
                loop.call_soon_threadsafe(self._pulse)

        self._notify = notify
        serving = asyncio.create_task(server.serve(sockets=[sock]))
        webhook = asyncio.create_task(self._webhook_worker())
        while not server.started and not serving.done():  # noqa: ASYNC110 - uvicorn has no event
            await asyncio.sleep(0.005)
        ready.set()
        stopping = asyncio.create_task(stop_event.wait())
        await asyncio.wait([serving, stopping], return_when=asyncio.FIRST_COMPLETED)
        # A quicker shutdown than uvicorn's (which polls every 0.1 s): stop accepting,
        # close idle keep-alive connections, let answers being written finish, cancel.
        for listener in getattr(server, "servers", []):
            listener.close()
        for connection in list(server.server_state.connections):
            connection.shutdown()
        deadline = time.monotonic() + 2
        while server.server_state.tasks and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.005)
        for task in (serving, webhook, stopping):
            task.cancel()
        await asyncio.gather(serving, webhook, stopping, return_exceptions=True)


def main(argv: list[str] | None = None) -> int:
    """Serve a fake Bot API on 127.0.0.1 until Ctrl-C."""
    parser = argparse.ArgumentParser(description="Fake Telegram Bot API for manual testing")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--username", default="phichit_incident_bot")
    args = parser.parse_args(argv)
    api = FakeBotAPI(args.token, args.username, port=args.port).start()
    print(
        f"Fake Telegram Bot API at {api.url}\n"
        f"  base_url:      {api.base_url}\n"
        f"  base_file_url: {api.base_file_url}\n"
        f"  token:         {api.token}\n"
        f"  test API:      POST {api.url}/_test/users|groups|send_text|send_location|"
        "press_button|inject|reset, GET /_test/sent|view?chat_id=…, /_test/calls?method=…, "
        "/_test/changes?since=…",
        flush=True,
    )
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        api.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
