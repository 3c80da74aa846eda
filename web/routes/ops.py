"""What operators and their monitoring read: /healthz, /readyz and Prometheus /metrics.

None of them needs a session. /healthz and /readyz carry no data; /metrics carries operational
figures (counts, ages, latencies: nothing about people), and still answers only to a bearer of
METRICS_TOKEN or, when none is set, to a client on this machine that no proxy forwarded.
"""

from __future__ import annotations

import hmac
import ipaddress

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from incidents.observability import health as health_checks
from incidents.observability import scrape
from incidents.observability.health import Health
from incidents.text.web import METRICS_REFUSED
from web.context import core_of

NO_STORE = {"cache-control": "no-store"}
# A request a proxy passed on: its peer is the proxy (loopback, often), not the client.
_FORWARDED = ("forwarded", "x-forwarded-for", "x-real-ip")


def health_of(request: Request) -> Health:
    """The process's health, which the composition root keeps up to date."""
    found: Health = request.app.state.health
    return found


async def healthz(request: Request) -> Response:
    """Say the process serves, with the state of its channels; 200 whenever it answers."""
    return JSONResponse({"status": "ok", **health_of(request).report()}, headers=NO_STORE)


async def readyz(request: Request) -> Response:
    """Say whether the process can do its work: 503 with the reason when the database does
    not answer; a channel not reached yet is said in the answer without making it 503."""
    checked = await health_checks.readiness(core_of(request), health_of(request))
    status = 200 if checked.ready else 503
    return JSONResponse(checked.answer, status_code=status, headers=NO_STORE)


def may_scrape(request: Request) -> bool:
    """The access rule of /metrics: the bearer token if one is set, else loopback only."""
    token: str = request.app.state.metrics_token
    if token:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode(), token.encode()
        )
    if request.client is None or any(name in request.headers for name in _FORWARDED):
        return False
    try:
        return ipaddress.ip_address(request.client.host).is_loopback
    except ValueError:
        return False


async def metrics(request: Request) -> Response:
    """The Prometheus text exposition, read at this scrape."""
    if not may_scrape(request):
        if request.app.state.metrics_token:
            headers = {**NO_STORE, "www-authenticate": 'Bearer realm="metrics"'}
            return PlainTextResponse(METRICS_REFUSED, status_code=401, headers=headers)
        return PlainTextResponse(METRICS_REFUSED, status_code=403, headers=NO_STORE)
    body = await scrape.exposition(core_of(request))
    return Response(body, media_type=scrape.CONTENT_TYPE, headers=NO_STORE)


routes = [
    Route("/healthz", healthz, methods=["GET"]),
    Route("/readyz", readyz, methods=["GET"]),
    Route("/metrics", metrics, methods=["GET"]),
]
