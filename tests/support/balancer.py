"""A small loopback load balancer for webhook posts: round-robin over replicas, and the next
one when a replica refuses the connection or drops it (a balancer's passive health check)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

_HOP_BY_HOP = {"host", "content-length", "connection", "transfer-encoding"}


class Balancer:
    """Forwards each POST to the next live backend; 502 when none takes it."""

    def __init__(self, backends: Sequence[str]) -> None:
        self.backends = list(backends)
        self._turn = itertools.cycle(range(len(self.backends)))
        self.forwarded: dict[str, int] = dict.fromkeys(self.backends, 0)
        self.failovers = 0
        self._client = httpx.AsyncClient(timeout=15)
        self.app = Starlette(routes=[Route("/{path:path}", self._forward, methods=["POST"])])

    async def _forward(self, request: Request) -> Response:
        body = await request.body()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP}
        first = next(self._turn)
        for step in range(len(self.backends)):
            backend = self.backends[(first + step) % len(self.backends)]
            try:
                answer = await self._client.post(
                    backend + request.url.path, content=body, headers=headers
                )
            except httpx.TransportError:
                self.failovers += 1
                continue
            self.forwarded[backend] += 1
            return Response(answer.content, status_code=answer.status_code)
        return Response(status_code=502)

    async def aclose(self) -> None:
        await self._client.aclose()
