"""Who is asking: the session cookie, the login wall, and CSRF checks on every POST."""

from __future__ import annotations

import functools
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from incidents.records import sessions
from incidents.records.sessions import SignedIn
from incidents.text.web import CSRF_REFUSED, LOGIN_REQUIRED
from web.context import core_of
from web.pages import render

SESSION_COOKIE = "weblog_session"
LOGIN_CSRF_COOKIE = "weblog_login_csrf"
NEXT_COOKIE = "weblog_next"
NEXT_TTL_S = 15 * 60


Route = Callable[[Request], Awaitable[Response]]
SignedInRoute = Callable[[Request, SignedIn], Awaitable[Response]]


def is_https(request: Request) -> bool:
    """Whether cookies must be Secure: served over HTTPS, or published at an https address."""
    public = core_of(request).rules.public_base_url
    return request.url.scheme == "https" or public.startswith("https://")


async def signed_in(request: Request) -> SignedIn | None:
    """The live session the request's cookie names, if any."""
    return await sessions.session_of(core_of(request), request.cookies.get(SESSION_COOKIE, ""))


def login_wall(request: Request) -> Response:
    """An anonymous request: the login page for pages, a bare 401 for files and exports."""
    wants_page = request.method == "GET" and "text/html" in request.headers.get("accept", "")
    if not wants_page:
        return PlainTextResponse(LOGIN_REQUIRED, status_code=401)
    response = render(request, "login_needed.html", {"signed_out": False}, status_code=401)
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if safe_next(path):
        response.set_cookie(
            NEXT_COOKIE,
            path,
            max_age=NEXT_TTL_S,
            httponly=True,
            samesite="lax",
            secure=is_https(request),
        )
    return response


def safe_next(path: str) -> bool:
    """Only a path on this site (never `//host` or a full address) may be returned to."""
    return path.startswith("/") and not path.startswith("//") and "\\" not in path


def require_login(route: SignedInRoute) -> Route:
    """Run the route only for a live session; everyone else meets the login wall."""

    @functools.wraps(route)
    async def guarded(request: Request) -> Response:
        who = await signed_in(request)
        if who is None:
            return login_wall(request)
        return await route(request, who)

    return guarded


def same_origin(request: Request) -> bool:
    """A POST's Origin (or Referer), when the browser sends one, must be this site."""
    claimed = request.headers.get("origin") or request.headers.get("referer")
    if not claimed or claimed == "null":
        return claimed is None
    parts = urlsplit(claimed)
    return parts.netloc == request.url.netloc or _is_public(request, parts.scheme, parts.netloc)


def _is_public(request: Request, scheme: str, netloc: str) -> bool:
    public = urlsplit(core_of(request).rules.public_base_url)
    return bool(public.netloc) and (scheme, netloc) == (public.scheme, public.netloc)


def tokens_match(given: str, expected: str) -> bool:
    """Constant-time comparison of a submitted token with the expected one."""
    return bool(given) and bool(expected) and secrets.compare_digest(given, expected)


def csrf_refusal() -> Response:
    """The answer to a POST without a valid CSRF token."""
    return PlainTextResponse(CSRF_REFUSED, status_code=403)
