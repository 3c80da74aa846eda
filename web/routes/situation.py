"""สถานการณ์ปัจจุบัน: the live situation page, and the part of it that refreshes itself."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from incidents.records import browsing
from incidents.records.sessions import SignedIn
from web import maps
from web.auth import require_login
from web.context import client_address, core_of
from web.pages import HOME, render

PATH = HOME
# The page's own script (web/static/situation.js) fetches this part again and again.
LIVE_PART = "live"


@require_login
async def situation_page(request: Request, who: SignedIn) -> Response:
    """The open incidents, totals, districts and the map; `?tv=1` for the war room's screen,
    `?part=live` for the part the page's script swaps in while it stays open."""
    core = core_of(request)
    found = await browsing.situation_page(core, who.viewer, client_address(request))
    counts = {d.code: (d.open, d.unacknowledged) for d in found.districts}
    located = [
        maps.Located(r.reference, r.latitude, r.longitude, r.acknowledged_at is None)
        for r in found.rows
    ]
    context = {
        "s": found,
        "tv": request.query_params.get("tv") == "1",
        "live_part": LIVE_PART,
        "tile_map_of_situation": maps.tile_map(core.province, counts, located),
    }
    live = request.query_params.get("part") == LIVE_PART
    return render(request, "_situation_live.html" if live else "situation.html", context, who=who)


routes = [Route(PATH, situation_page, methods=["GET"])]
