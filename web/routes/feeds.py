"""The CAP feed (/feeds/cap.atom): an Atom feed of CAP 1.2 messages for the systems an admin
issued a token to. No session: the reader sends its token as a bearer token (or, for readers
that can only be given an address, as `?token=`); a page is revalidated by its entity tag."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from incidents.sharing import feed, subscribers
from incidents.text import sharing as t
from web.context import client_address, core_of

PATH = "/feeds/cap.atom"
NO_CACHE = {"cache-control": "private, no-cache"}


def _token(request: Request) -> str:
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        return given.strip()
    return request.query_params.get("token", "")


def _feed_url(request: Request) -> str:
    """The page's own address as its readers reach it (the public address when one is set),
    without a token: the feed's `self` link must not carry one (its `next` link keeps the
    token of a reader that sent it in the address, or paging would stop there)."""
    base = core_of(request).rules.public_base_url or str(request.base_url).rstrip("/")
    kept = [(key, value) for key, value in request.query_params.multi_items() if key != "token"]
    return f"{base}{PATH}" + (f"?{urlencode(kept)}" if kept else "")


async def cap_feed(request: Request) -> Response:
    """A page of the feed, newest first; 401 without a live token, 304 when unchanged."""
    core = core_of(request)
    address = client_address(request)
    reader = await subscribers.feed_reader(core, _token(request))
    if reader is None:
        await feed.refuse(core, address)
        headers = {**NO_CACHE, "www-authenticate": 'Bearer realm="cap-feed"'}
        return PlainTextResponse(t.FEED_REFUSED, status_code=401, headers=headers)
    raw = request.query_params.get("before")
    before: int | None = None
    if raw is not None:
        valid = raw.isascii() and raw.isdigit() and len(raw) <= len(str(feed.MAX_EVENT_ID))
        if not valid or not 0 < int(raw) <= feed.MAX_EVENT_ID:
            return PlainTextResponse(t.FEED_BAD_PAGE, status_code=400, headers=NO_CACHE)
        before = int(raw)
    query_token = request.query_params.get("token", "")
    page = await feed.read_page(
        core, reader, _feed_url(request), before, address, next_token=query_token
    )
    headers = {**NO_CACHE, "etag": page.etag}
    wanted = [tag.strip() for tag in request.headers.get("if-none-match", "").split(",")]
    if page.etag in wanted or "*" in wanted:
        return Response(status_code=304, headers=headers)
    return Response(page.body, media_type=page.media_type, headers=headers)


routes = [Route(PATH, cap_feed, methods=["GET"])]
