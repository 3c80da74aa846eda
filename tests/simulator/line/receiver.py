"""A bot's webhook endpoint on loopback that records what the fake LINE Platform POSTs."""

from __future__ import annotations

import asyncio
import socket
from collections import deque
from dataclasses import dataclass

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


@dataclass
class Received:
    """One webhook request as the bot got it."""

    body: bytes
    headers: dict[str, str]
    answered: int


class WebhookReceiver:
    """Answers 200 unless told to answer otherwise for the next requests."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self._answers: deque[int] = deque()
        self.failing: int | None = None  # answer every request with this, while set
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}/callback"
        app = Starlette(routes=[Route("/callback", self._callback, methods=["POST"])])
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
        self._server = uvicorn.Server(config)
        self._task: asyncio.Task[None] | None = None

    def answer_next(self, *statuses: int) -> None:
        """Answer the next requests with these statuses, in order."""
        self._answers.extend(statuses)

    async def _callback(self, request: Request) -> Response:
        status = self._answers.popleft() if self._answers else (self.failing or 200)
        headers = {k.lower(): v for k, v in request.headers.items()}
        self.received.append(Received(await request.body(), headers, status))
        return Response(b"", status_code=status)

    async def start(self) -> None:
        self._task = asyncio.create_task(self._server.serve(sockets=[self._sock]))
        while not self._server.started:  # noqa: ASYNC110 - uvicorn has no event
            await asyncio.sleep(0.005)

    async def stop(self) -> None:
        self._server.should_exit = True
        if self._task is not None:
            await self._task
        self._sock.close()
