"""The incident list and an incident's page, its files and its CAP message."""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from incidents.records import browsing, downloads, related
from incidents.records.filters import SortKey
from incidents.records.sessions import SignedIn
from incidents.text.related import LINK_NOTES
from web import auth, inputs
from web.auth import require_login
from web.context import client_address, core_of
from web.pages import not_found, render


@require_login
async def incident_list(request: Request, who: SignedIn) -> Response:
    """Incidents matching the filters, a page at a time."""
    wanted, notes = inputs.incident_filter(request)
    listing = await browsing.incident_list(
        core_of(request), who.viewer, wanted, client_address(request)
    )
    return render(
        request,
        "incidents.html",
        {
            "page": listing.page,
            "wanted": wanted,
            "notes": notes,
            "districts": listing.districts,
            "sort_keys": list(SortKey),
        },
        who=who,
    )


@require_login
async def incident_page(request: Request, who: SignedIn) -> Response:
    """Everything about one incident."""
    reference = inputs.path(request, "reference")
    detail = await browsing.incident_page(
        core_of(request), who.viewer, reference, client_address(request)
    )
    if detail is None:
        return not_found(request, who)
    return render(
        request,
        "incident.html",
        {
            "d": detail,
            "i": detail.incident,
            "photos": detail.photos,
            "others": detail.other_files,
            "link_note": LINK_NOTES.get(inputs.query(request).get("link", "")),
        },
        who=who,
    )


# The longest reference a form may name (references are like PCT-2569-0041 or PCT-ฝ-2569-0001).
MAX_REFERENCE = 40


@require_login
async def incident_links(request: Request, who: SignedIn) -> Response:
    """Link the incident with another by its reference, or undo a link (a POST with the
    session's CSRF token); back to the incident's page, which says what happened."""
    form = await inputs.form(request)
    if not auth.same_origin(request) or not auth.tokens_match(form.get("csrf", ""), who.csrf_token):
        return auth.csrf_refusal()
    reference = inputs.path(request, "reference")
    other = form.get("other", "").strip().upper()[:MAX_REFERENCE]
    done = await related.change_link(
        core_of(request),
        who.viewer,
        reference,
        other,
        linking_them=form.get("op") != "unlink",
        address=client_address(request),
    )
    return RedirectResponse(
        f"/incidents/{quote(reference)}?link={done.value}#related", status_code=303
    )


@require_login
async def incident_file(request: Request, who: SignedIn) -> Response:
    """A photo or file of an incident the viewer may see; never served as a static file."""
    kept = await downloads.incident_file(
        core_of(request),
        who.viewer,
        inputs.path(request, "reference"),
        inputs.number(request, "attachment_id"),
        client_address(request),
    )
    if kept is None:
        return not_found(request, who)
    response = FileResponse(
        kept.path,
        media_type=kept.media_type,
        filename=kept.file_name,
        content_disposition_type="inline" if kept.inline else "attachment",
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@require_login
async def incident_cap(request: Request, who: SignedIn) -> Response:
    """The incident as a CAP 1.2 message."""
    message = await downloads.incident_cap(
        core_of(request), who.viewer, inputs.path(request, "reference"), client_address(request)
    )
    if message is None:
        return not_found(request, who)
    return Response(
        message.body,
        media_type=message.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{message.file_name}"',
            "Cache-Control": "no-store",
        },
    )


async def linked_photo(request: Request) -> Response:
    """A photo by its signed, expiring address: no session (LINE's servers fetch a card's
    image themselves); anything else about it answers 404."""
    signed = inputs.path(request, "signature")
    kept = await downloads.linked_photo(
        core_of(request),
        inputs.number(request, "attachment_id"),
        inputs.number(request, "expires"),
        signed,
        client_address(request),
    )
    if kept is None:
        return Response("not found", status_code=404, media_type="text/plain")
    response = FileResponse(kept.path, media_type=kept.media_type)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


routes = [
    Route("/incidents", incident_list, methods=["GET"]),
    Route("/incidents/{reference:str}", incident_page, methods=["GET"]),
    Route("/incidents/{reference:str}/cap.xml", incident_cap, methods=["GET"]),
    Route("/incidents/{reference:str}/links", incident_links, methods=["POST"]),
    Route("/incidents/{reference:str}/files/{attachment_id:int}", incident_file, methods=["GET"]),
    Route(
        "/photos/{attachment_id:int}/{expires:int}/{signature:str}", linked_photo, methods=["GET"]
    ),
]
