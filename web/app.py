"""The web log's ASGI application: routes collected in one place, security headers on all."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from incidents.core import Core
from incidents.text.web import BAD_REQUEST, HTTP_ERRORS
from web import templating
from web.routes import incidents, reports, signin

STATIC_DIR = Path(__file__).resolve().parent / "static"

# The state of the process's parts for /healthz, e.g. {"telegram": "connected"}.
HealthReport = Callable[[], Mapping[str, str]]

# No script at all; styles, images and fonts only from this site; never framed. The referrer
# policy is same-origin, not no-referrer: under no-referrer browsers send "Origin: null" with
# every form POST, and the CSRF check compares the Origin with this site.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; font-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


class SecurityHeaders:
    """Adds the security headers to every response, errors and static files included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in SECURITY_HEADERS}
                kept = [(n, v) for n, v in message.get("headers", []) if n.lower() not in names]
                message["headers"] = kept + SECURITY_HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def home(request: Request) -> Response:
    """The list is the home page."""
    return RedirectResponse("/incidents", status_code=303)


async def healthz(request: Request) -> Response:
    """Say the process serves, with the state of its parts; no data, no sign-in needed."""
    report: HealthReport = request.app.state.health
    return JSONResponse({"status": "ok", **report()}, headers={"cache-control": "no-store"})


def _no_parts() -> Mapping[str, str]:
    return {}


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    text = HTTP_ERRORS.get(exc.status_code, BAD_REQUEST)
    return PlainTextResponse(text, status_code=exc.status_code)


def create_app(core: Core, health: HealthReport = _no_parts) -> ASGIApp:
    """The web log for one deployment, wrapped in its security headers (outermost, so even
    the plain 500 page of an unexpected error carries them)."""
    routes: list[BaseRoute] = [
        Route("/", home, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        *signin.routes,
        *incidents.routes,
        *reports.routes,
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: _http_error})
    app.state.core = core
    app.state.health = health
    app.state.templates = templating.build(core.rules.tz)
    return SecurityHeaders(app)
