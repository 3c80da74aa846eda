"""สถานการณ์ปัจจุบัน: the live situation page, and the part of it that refreshes itself."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from incidents.records import browsing
from incidents.records.sessions import SignedIn
from web.auth import require_login
from web.context import client_address, core_of
from web.pages import HOME, render

PATH = HOME
# The page's own script (web/static/situation.js) fetches this part again and again.
LIVE_PART = "live"


@require_login
async def situation_page(request: Request, who: SignedIn) -> Response:
    """The open incidents, totals and districts; `?tv=1` for the war room's screen,
    `?part=live` for the part the page's script swaps in while it stays open."""
    found = await browsing.situation_page(core_of(request), who.viewer, client_address(request))
    tv = request.query_params.get("tv") == "1"
    template = "_situation_live.html" if request.query_params.get("part") == LIVE_PART else None
    return render(
        request,
        template or "situation.html",
        {"s": found, "tv": tv, "live_part": LIVE_PART},
        who=who,
    )


routes = [Route(PATH, situation_page, methods=["GET"])]
