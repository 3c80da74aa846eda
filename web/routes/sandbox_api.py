"""The phones' API: a chat as JSON, its changes as server-sent events, what a person does,
and the files the bot sent into a chat.

Every POST carries the process's CSRF token in a header and comes from this site; bodies
are JSON checked by pydantic. What is wrong is answered in Thai text, never a traceback.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from incidents.text.sandbox import (
    BAD_BODY,
    UNKNOWN_FILE,
    UNKNOWN_PERSON,
    UNKNOWN_PLACE,
    UNKNOWN_SAMPLE,
)
from web import auth
from web.context import phones_of
from web.phones import Phones

CSRF_HEADER = "x-csrf-token"
# A comment this often keeps proxies and the browser from dropping a quiet stream.
HEARTBEAT_S = 15.0
# Telegram's own limits: a message's text, and a button's callback data in bytes; and LINE's
# on a postback button's data, in characters.
MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64
MAX_POSTBACK_DATA = 300
# The longest body any action needs (4,096 characters of Thai, escaped as JSON, is ~25 kB).
MAX_BODY = 64 * 1024

Key = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    user_id: int


class TextBody(_Body):
    text: Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT)]
    reply_to: int | None = None


class PressBody(_Body):
    message_id: int
    data: Annotated[str, Field(min_length=1)]


class SampleBody(_Body):
    sample: Key
    reply_to: int | None = None


class LocationBody(_Body):
    place: Key


def _refusal(text: str, status_code: int) -> Response:
    return PlainTextResponse(text, status_code=status_code, headers={"cache-control": "no-store"})


def _known(phones: Phones, user_id: int) -> bool:
    return any(person.user_id == user_id for person in phones.people())


def _on_line(phones: Phones, user_id: int) -> bool:
    return any(p.user_id == user_id and p.channel == "line" for p in phones.people())


def _user_in_path(request: Request) -> int | None:
    """The path's person, if the sandbox has them."""
    user_id = int(request.path_params["user_id"])
    return user_id if _known(phones_of(request), user_id) else None


async def chat(request: Request) -> Response:
    """A person's chat as JSON."""
    user_id = _user_in_path(request)
    if user_id is None:
        return _refusal(UNKNOWN_PERSON, 404)
    view = phones_of(request).view(user_id)
    return JSONResponse(view, headers={"cache-control": "no-store"})


async def events(request: Request) -> Response:
    """`data: {"seq": N}` each time a person's chat changes, a comment while it does not."""
    user_id = _user_in_path(request)
    if user_id is None:
        return _refusal(UNKNOWN_PERSON, 404)
    after_text = request.query_params.get("after", "0")
    if not after_text.isdigit() or len(after_text) > 12:
        return _refusal(BAD_BODY, 400)
    phones = phones_of(request)

    async def stream(seen: int) -> AsyncIterator[str]:
        while True:
            seq = await phones.wait(user_id, seen, HEARTBEAT_S)
            if seq == seen:
                yield ": heartbeat\n\n"
                continue
            seen = seq
            yield f"data: {json.dumps({'seq': seq})}\n\n"

    headers = {"cache-control": "no-store", "x-accel-buffering": "no"}
    return StreamingResponse(
        stream(int(after_text)), media_type="text/event-stream", headers=headers
    )


async def _read_capped(request: Request) -> bytes | None:
    """The request's body, or None once it grows past `MAX_BODY` (the rest is not read)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


Action = Callable[[Phones, Any], Awaitable[Response | None]]


def _action(model: type[_Body], act: Action) -> Callable[[Request], Awaitable[Response]]:
    """A POST route: checks origin and token, reads the body into `model`, then acts."""

    async def route(request: Request) -> Response:
        expected: str = request.app.state.sandbox_csrf
        given = request.headers.get(CSRF_HEADER, "")
        if not auth.same_origin(request) or not auth.tokens_match(given, expected):
            return auth.csrf_refusal()
        raw = await _read_capped(request)
        if raw is None:
            return _refusal(BAD_BODY, 400)
        try:
            body = model.model_validate_json(raw)
        except ValidationError:
            return _refusal(BAD_BODY, 400)
        phones = phones_of(request)
        if not _known(phones, body.user_id):
            return _refusal(UNKNOWN_PERSON, 404)
        refused = await act(phones, body)
        return refused or Response(status_code=204, headers={"cache-control": "no-store"})

    return route


async def _send_text(phones: Phones, body: TextBody) -> Response | None:
    if not body.text.strip():
        return _refusal(BAD_BODY, 400)
    await phones.send_text(body.user_id, body.text, reply_to=body.reply_to)
    return None


async def _press(phones: Phones, body: PressBody) -> Response | None:
    if _on_line(phones, body.user_id):
        too_long = len(body.data) > MAX_POSTBACK_DATA
    else:
        too_long = len(body.data.encode()) > MAX_CALLBACK_DATA
    if too_long:
        return _refusal(BAD_BODY, 400)
    await phones.press(body.user_id, body.message_id, body.data)
    return None


async def _send_sample(phones: Phones, body: SampleBody) -> Response | None:
    if all(sample.key != body.sample for sample in phones.samples()):
        return _refusal(UNKNOWN_SAMPLE, 400)
    await phones.send_sample(body.user_id, body.sample, reply_to=body.reply_to)
    return None


async def _share_location(phones: Phones, body: LocationBody) -> Response | None:
    if all(place.key != body.place for place in phones.places()):
        return _refusal(UNKNOWN_PLACE, 400)
    await phones.share_location(body.user_id, body.place)
    return None


async def file(request: Request) -> Response:
    """A file the bot sent into this person's chat (no other chat's)."""
    user_id = _user_in_path(request)
    if user_id is None:
        return _refusal(UNKNOWN_PERSON, 404)
    found = phones_of(request).file(user_id, str(request.path_params["file_id"]))
    if found is None:
        return _refusal(UNKNOWN_FILE, 404)
    content, content_type = found
    shown = content_type.startswith("image/") and content_type != "image/svg+xml"
    return Response(
        content,
        media_type=content_type if shown else "application/octet-stream",
        headers={
            "cache-control": "private, max-age=3600",
            "content-disposition": "inline" if shown else "attachment",
        },
    )


routes = [
    Route("/sandbox/api/chat/{user_id:int}", chat, methods=["GET"]),
    Route("/sandbox/api/events/{user_id:int}", events, methods=["GET"]),
    Route("/sandbox/api/file/{user_id:int}/{file_id:str}", file, methods=["GET"]),
    Route("/sandbox/api/text", _action(TextBody, _send_text), methods=["POST"]),
    Route("/sandbox/api/press", _action(PressBody, _press), methods=["POST"]),
    Route("/sandbox/api/sample", _action(SampleBody, _send_sample), methods=["POST"]),
    Route("/sandbox/api/location", _action(LocationBody, _share_location), methods=["POST"]),
]
