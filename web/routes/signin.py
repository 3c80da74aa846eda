"""Signing in with a link from the bot, and signing out."""

from __future__ import annotations

import secrets

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from incidents.records import sessions
from web import auth, inputs
from web.context import client_address, core_of
from web.pages import HOME, render

LOGIN_CSRF_TTL_S = 10 * 60


async def login_page(request: Request) -> Response:
    """Explain how to sign in (through the bot); signed-in people go to the list."""
    if await auth.signed_in(request) is not None:
        return RedirectResponse(HOME, status_code=303)
    signed_out = bool(inputs.query(request).get("out"))
    return render(request, "login_needed.html", {"signed_out": signed_out})


async def too_many(request: Request) -> Response | None:
    """The answer when this address has tried to sign in too often lately, else None; such
    attempts are counted on one audit row, never handled."""
    throttled = await sessions.throttled(core_of(request), client_address(request))
    if throttled is None:
        return None
    reason = sessions.LoginRefusal.TOO_MANY.value
    response = render(request, "login_failed.html", {"reason": reason}, status_code=429)
    response.headers["Retry-After"] = str(throttled.retry_after_s)
    return response


async def confirm_link(request: Request) -> Response:
    """Ask before spending the link, so a link previewer cannot use it up."""
    if (refused := await too_many(request)) is not None:
        return refused
    token = inputs.path(request, "token")
    refusal = await sessions.check_link(core_of(request), token)
    if refusal is not None:
        return render(request, "login_failed.html", {"reason": refusal.value}, status_code=400)
    csrf = secrets.token_urlsafe(24)
    response = render(request, "login_confirm.html", {"token": token, "csrf": csrf})
    # A pre-session CSRF token (double submit): only this browser's form can spend the link.
    response.set_cookie(
        auth.LOGIN_CSRF_COOKIE,
        csrf,
        max_age=LOGIN_CSRF_TTL_S,
        httponly=True,
        samesite="strict",
        secure=auth.is_https(request),
        path="/login",
    )
    return response


async def login(request: Request) -> Response:
    """Spend the link and open a session."""
    if (refused := await too_many(request)) is not None:
        return refused
    form = await inputs.form(request)
    token = form.get("token", "")
    given = form.get("csrf", "")
    if not auth.same_origin(request) or not auth.tokens_match(
        given, request.cookies.get(auth.LOGIN_CSRF_COOKIE, "")
    ):
        return auth.csrf_refusal()
    outcome = await sessions.sign_in(core_of(request), token, client_address(request))
    if isinstance(outcome, sessions.LoginRefusal):
        return render(request, "login_failed.html", {"reason": outcome.value}, status_code=400)
    target = request.cookies.get(auth.NEXT_COOKIE, "")
    response = RedirectResponse(target if auth.safe_next(target) else HOME, 303)
    response.set_cookie(
        auth.SESSION_COOKIE,
        outcome.session_id,
        max_age=int(outcome.lifetime.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=auth.is_https(request),
    )
    response.delete_cookie(auth.LOGIN_CSRF_COOKIE, path="/login")
    response.delete_cookie(auth.NEXT_COOKIE)
    return response


async def logout(request: Request) -> Response:
    """End the session (a POST with the session's CSRF token)."""
    who = await auth.signed_in(request)
    if who is None:
        return auth.login_wall(request)
    form = await inputs.form(request)
    if not auth.same_origin(request) or not auth.tokens_match(form.get("csrf", ""), who.csrf_token):
        return auth.csrf_refusal()
    await sessions.sign_out(core_of(request), who.session_row_id, client_address(request))
    response = RedirectResponse("/login?out=1", status_code=303)
    response.delete_cookie(auth.SESSION_COOKIE)
    return response


routes = [
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/login/{token}", confirm_link, methods=["GET"]),
    Route("/logout", logout, methods=["POST"]),
]
