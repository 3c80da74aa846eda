"""Rendering pages with what every page shows (the province, who is signed in, the menu)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from incidents.records.auditlog import record_refusal
from web.context import client_address, web_context

if TYPE_CHECKING:
    from web.auth import SignedIn


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    who: SignedIn | None = None,
    status_code: int = 200,
) -> Response:
    """A page from its template; nothing with data in it is cached anywhere."""
    templates = request.app.state.templates
    assert isinstance(templates, Jinja2Templates)
    web = web_context(request)
    base = {
        "province_name": web.province_name,
        "who": who,
        "path": request.url.path,
    }
    response = templates.TemplateResponse(
        request, template, base | context, status_code=status_code
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def not_found(request: Request, who: SignedIn | None) -> Response:
    """The same answer for an incident that does not exist and one the viewer may not see."""
    return render(request, "not_found.html", {}, who=who, status_code=404)


async def refused(
    request: Request,
    who: SignedIn,
    *,
    subject_type: str,
    subject_id: str | int = "",
    **detail: Any,
) -> Response:
    """Refuse a signed-in viewer what they asked for: audited, and answered exactly as a
    thing that does not exist (asking never tells whether it does)."""
    context = web_context(request)
    await record_refusal(
        context.db,
        who.viewer,
        context.clock.now(),
        client_address(request),
        subject_type=subject_type,
        subject_id=subject_id,
        **detail,
    )
    return not_found(request, who)
