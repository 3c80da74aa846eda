"""The drill report page (admins only)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from incidents.drills import report as drill_report
from incidents.records.drillview import drill_page
from incidents.records.sessions import SignedIn
from incidents.text import drill as drill_text
from web.auth import require_login
from web.context import client_address, core_of
from web.pages import not_found, render


@require_login
async def drill_report_page(request: Request, who: SignedIn) -> Response:
    """Per executive the time to receive and acknowledge, per reporter the time to file, and
    what went unanswered."""
    drill_id = request.path_params["drill_id"]
    report = await drill_page(core_of(request), who.viewer, drill_id, client_address(request))
    if report is None:
        return not_found(request, who)
    context = {"r": report, "t": drill_text, "average": drill_report.average}
    return render(request, "drill.html", context, who=who)


routes = [Route("/drills/{drill_id:int}", drill_report_page, methods=["GET"])]
