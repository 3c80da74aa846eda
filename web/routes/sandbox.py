"""The sandbox's pages: choose whose phone to hold, then the phones themselves."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from incidents.text.sandbox import (
    CHANNEL_NAMES,
    LINE_ACCOUNT,
    PICK_SOMEONE,
    SCRIPT_TEXTS,
    TOO_MANY_PHONES,
    UNKNOWN_PERSON,
)
from web.context import phones_of
from web.pages import render
from web.phones import PhoneOwner, SampleKind

# More phones than this do not fit side by side, and each holds an open event stream.
MAX_PHONES = 4


def _chooser(request: Request, problem: str = "", status_code: int = 200) -> Response:
    phones = phones_of(request)
    groups: dict[str, list[PhoneOwner]] = {}
    for person in phones.people():
        groups.setdefault(person.role, []).append(person)
    return render(
        request,
        "sandbox.html",
        {"groups": groups, "problem": problem, "channels": CHANNEL_NAMES},
        status_code=status_code,
    )


async def choose(request: Request) -> Response:
    """Explain the sandbox and let the visitor pick one or several people."""
    return _chooser(request)


def _picked(request: Request) -> list[str]:
    return [value.strip() for value in request.query_params.getlist("who") if value.strip()]


async def phones_page(request: Request) -> Response:
    """The chosen people's phones: side by side on a desktop, one at a time on a phone."""
    picked = _picked(request)
    if not picked:
        return _chooser(request, PICK_SOMEONE, status_code=400)
    phones = phones_of(request)
    by_id = {str(person.user_id): person for person in phones.people()}
    chosen = list(dict.fromkeys(picked))  # the order picked, each person once
    if any(value not in by_id for value in chosen):
        return _chooser(request, UNKNOWN_PERSON, status_code=404)
    if len(chosen) > MAX_PHONES:
        return _chooser(request, TOO_MANY_PHONES.format(limit=MAX_PHONES), status_code=400)
    samples = phones.samples()
    return render(
        request,
        "sandbox_phones.html",
        {
            "people": [by_id[value] for value in chosen],
            "places": phones.places(),
            "photos": [s for s in samples if s.kind is SampleKind.PHOTO],
            "documents": [s for s in samples if s.kind is SampleKind.DOCUMENT],
            "csrf": request.app.state.sandbox_csrf,
            "texts": SCRIPT_TEXTS,
            "channels": CHANNEL_NAMES,
            "line_account": LINE_ACCOUNT,
        },
    )


routes = [
    Route("/sandbox", choose, methods=["GET"]),
    Route("/sandbox/phones", phones_page, methods=["GET"]),
]
