"""Webhook paths: a chat platform posts updates here; the channel's receiver decides.

The web log knows no chat platform: it checks the method and the size, reads the body, and
answers with the status the channel's receiver returns (which commits the update before it
says 200). Nothing here is a page for people, so no session, CSRF token or template is used.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

# A Telegram update is a few kilobytes (files come as ids, not bytes); far more is not one.
MAX_BODY_BYTES = 1024 * 1024

Receiver = Callable[[Mapping[str, str], bytes], Awaitable[int]]


def routes(receivers: Mapping[str, Receiver]) -> list[BaseRoute]:
    """One POST route per webhook path."""
    return [
        Route(path, _endpoint(receiver), methods=["POST"]) for path, receiver in receivers.items()
    ]


def _endpoint(receiver: Receiver) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        declared = request.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY_BYTES):
            return Response(status_code=413)
        body = bytearray()
        try:
            async for chunk in request.stream():
                body.extend(chunk)
                if len(body) > MAX_BODY_BYTES:
                    return Response(status_code=413)
        except ClientDisconnect:
            return Response(status_code=400)
        status = await receiver(request.headers, bytes(body))
        return Response(status_code=status)

    return endpoint
