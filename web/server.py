"""Running the web log in the bot's own event loop with uvicorn."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import AsyncIterator, Generator

import uvicorn
from starlette.types import ASGIApp

log = logging.getLogger(__name__)

SHUTDOWN_GRACE_S = 5


class EmbeddedServer(uvicorn.Server):
    """uvicorn without its signal handlers: the bot's process owns SIGINT and SIGTERM and
    stops the server together with everything else."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


class WebBindError(OSError):
    """The web log's address cannot be listened on."""


def bind(host: str, port: int) -> socket.socket:
    """Listen on host:port (0 = any free port), so a bad address fails here, in one line."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets that say they are TCP;
    # without it every keep-alive response waits ~40 ms for a delayed ACK (Nagle).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
        sock.setblocking(False)
        return sock
    except OSError as exc:
        sock.close()
        raise WebBindError(
            f"WEB_HOST/WEB_PORT: cannot listen on {host}:{port} ({exc.strerror or exc})"
        ) from exc


@contextlib.asynccontextmanager
async def running(app: ASGIApp, host: str, port: int) -> AsyncIterator[str]:
    """Serve `app` until the block ends; yield the address it listens on."""
    sock = bind(host, port)
    bound_host, bound_port = sock.getsockname()[:2]
    config = uvicorn.Config(
        app,
        lifespan="off",
        log_config=None,
        access_log=False,
        proxy_headers=True,
        server_header=False,
        timeout_graceful_shutdown=SHUTDOWN_GRACE_S,
    )
    server = EmbeddedServer(config)
    task = asyncio.create_task(server.serve(sockets=[sock]), name="web-log")
    while not server.started:
        if task.done():
            sock.close()
            task.result()  # raises what stopped it
            raise WebBindError("the web log stopped while starting")
        await asyncio.sleep(0.01)
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    url = f"http://{shown}:{bound_port}"
    log.info("web log listening on %s", url)
    try:
        yield url
    finally:
        server.should_exit = True
        await task
