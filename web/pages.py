"""Rendering pages with what every page shows (the province, who is signed in, the menu)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from incidents.records.sessions import SignedIn
from web.context import core_of

# Where the web log opens: the live situation (web/routes/situation.py).
HOME = "/situation"


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
    base = {
        "province_name": core_of(request).province.name_th,
        "who": who,
        "path": request.url.path,
    }
    response = templates.TemplateResponse(
        request, template, base | context, status_code=status_code
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def not_found(request: Request, who: SignedIn | None) -> Response:
    """The same answer for a thing that does not exist and one the viewer may not see (the
    use case has audited the refusal): asking never tells whether it does."""
    return render(request, "not_found.html", {}, who=who, status_code=404)
