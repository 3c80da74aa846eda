"""The web log's ASGI application: routes collected in one place, security headers on all."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from incidents.core import Core
from incidents.observability.health import Health
from incidents.text.web import BAD_REQUEST, HTTP_ERRORS
from web import templating
from web.pages import HOME
from web.phones import Phones
from web.routes import (
    drills,
    feeds,
    incidents,
    ops,
    reports,
    sandbox,
    sandbox_api,
    signin,
    situation,
    webhooks,
)

STATIC_DIR = Path(__file__).resolve().parent / "static"

# Live: no script but the situation page's own (SCRIPTED_CONTENT_SECURITY_POLICY below);
# styles, images and fonts only from this site; never framed. The referrer policy is
# same-origin, not no-referrer: under no-referrer browsers send "Origin: null" with every form
# POST, and the CSRF check compares the Origin with this site.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; font-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
# Pages that keep themselves up to date run this site's own script, which reads from this site
# (the situation page); so do the sandbox's phones, which read the chats.
SCRIPTED_CONTENT_SECURITY_POLICY = (
    CONTENT_SECURITY_POLICY + "; script-src 'self'; connect-src 'self'"
)
SANDBOX_CONTENT_SECURITY_POLICY = SCRIPTED_CONTENT_SECURITY_POLICY


def security_headers(policy: str) -> list[tuple[bytes, bytes]]:
    """The headers every response carries, with that content security policy."""
    return [
        (b"content-security-policy", policy.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"same-origin"),
        (b"cross-origin-opener-policy", b"same-origin"),
        (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    ]


SECURITY_HEADERS = security_headers(CONTENT_SECURITY_POLICY)


class SecurityHeaders:
    """Adds the security headers to every response, errors and static files included."""

    def __init__(
        self,
        app: ASGIApp,
        headers: list[tuple[bytes, bytes]] = SECURITY_HEADERS,
        scripted: frozenset[str] = frozenset(),
    ) -> None:
        self.app = app
        self.headers = headers
        # Paths whose pages run this site's own script (and nothing else does).
        self.scripted = scripted
        self.scripted_headers = security_headers(SCRIPTED_CONTENT_SECURITY_POLICY)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        headers = self.scripted_headers if scope.get("path") in self.scripted else self.headers

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in headers}
                kept = [(n, v) for n, v in message.get("headers", []) if n.lower() not in names]
                message["headers"] = kept + headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def home(request: Request) -> Response:
    """The live situation is the home page."""
    return RedirectResponse(HOME, status_code=303)


async def sandbox_home(request: Request) -> Response:
    """In the sandbox, choosing a phone is the home page."""
    return RedirectResponse("/sandbox", status_code=303)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    text = HTTP_ERRORS.get(exc.status_code, BAD_REQUEST)
    return PlainTextResponse(text, status_code=exc.status_code)


def create_app(
    core: Core,
    health: Health | None = None,
    phones: Phones | None = None,
    *,
    receivers: Mapping[str, webhooks.Receiver] | None = None,
    metrics_token: str = "",
) -> ASGIApp:
    """The web log for one deployment, wrapped in its security headers (outermost, so even
    the plain 500 page of an unexpected error carries them). With `phones` it is the
    sandbox's: every page says so, and the phone pages are served; live, they do not exist.
    `health` is kept up to date by the composition root; `metrics_token` guards /metrics;
    `receivers` are the chat platforms' webhook paths (webhook mode), by path."""
    in_sandbox = phones is not None
    routes: list[BaseRoute] = [
        *webhooks.routes(receivers or {}),
        Route("/", sandbox_home if in_sandbox else home, methods=["GET"]),
        *ops.routes,
        *feeds.routes,
        *signin.routes,
        *situation.routes,
        *incidents.routes,
        *reports.routes,
        *drills.routes,
        *(sandbox.routes + sandbox_api.routes if in_sandbox else []),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: _http_error})
    app.state.core = core
    app.state.health = health if health is not None else Health()
    app.state.metrics_token = metrics_token
    app.state.templates = templating.build(core.rules.tz, sandbox=in_sandbox)
    if in_sandbox:
        app.state.phones = phones
        # One token for the process: the phones are nobody's session, and the page is
        # the only place the token is shown.
        app.state.sandbox_csrf = secrets.token_urlsafe(32)
        return SecurityHeaders(app, security_headers(SANDBOX_CONTENT_SECURITY_POLICY))
    return SecurityHeaders(app, scripted=frozenset({situation.PATH}))
