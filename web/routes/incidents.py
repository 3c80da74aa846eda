"""The incident list and an incident's page, its files and its CAP message."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from incidents.records import cap, queries
from incidents.records.auditlog import record_view
from incidents.records.filters import IncidentFilter, SortKey
from incidents.records.incident import incident_detail, visible_attachment, visible_incident
from incidents.text.web import DAY_FILTERS, FILTER_LABELS, day_unreadable
from storage.models import AttachmentKind, AuditAction
from web import inputs
from web.auth import SignedIn, require_login
from web.context import client_address, web_context
from web.pages import not_found, refused, render

# Row ids are 32-bit integers; a larger number in an address names nothing (and PostgreSQL
# would refuse it as a parameter).
MAX_ROW_ID = 2**31 - 1


def asked_filter(request: Request) -> tuple[IncidentFilter, list[str]]:
    """The filters in the query string (invalid values are dropped), and a note for each
    typed day that could not be read."""
    wanted, dropped = IncidentFilter.read(inputs.query(request))
    notes = [
        day_unreadable(FILTER_LABELS[name], dropped[name])
        for name in DAY_FILTERS
        if name in dropped
    ]
    return wanted, notes


def wanted_of(request: Request) -> IncidentFilter:
    """The filters in the query string (invalid values are dropped)."""
    return asked_filter(request)[0]


@require_login
async def incident_list(request: Request, who: SignedIn) -> Response:
    """Incidents matching the filters, a page at a time."""
    context = web_context(request)
    wanted, notes = asked_filter(request)
    tz = context.settings.tz
    async with context.db.read() as session:
        page = await queries.list_page(session, who.viewer, wanted, tz)
        districts = await queries.districts(session, context.province_id)
    await record_view(
        context.db,
        who.viewer,
        AuditAction.WEB_LIST_VIEWED,
        context.clock.now(),
        client_address(request),
        subject_type="incident_list",
        filters=wanted.chosen(),
        shown=len(page.rows),
    )
    return render(
        request,
        "incidents.html",
        {
            "page": page,
            "wanted": wanted,
            "notes": notes,
            "districts": districts,
            "sort_keys": list(SortKey),
        },
        who=who,
    )


@require_login
async def incident_page(request: Request, who: SignedIn) -> Response:
    """Everything about one incident."""
    context = web_context(request)
    reference = inputs.path(request, "reference")
    async with context.db.read() as session:
        detail = await incident_detail(session, who.viewer, reference)
    if detail is None:
        return await refused(request, who, subject_type="incident", subject_id=reference)
    await record_view(
        context.db,
        who.viewer,
        AuditAction.WEB_INCIDENT_VIEWED,
        context.clock.now(),
        client_address(request),
        subject_type="incident",
        subject_id=reference,
    )
    photos = [a for a in detail.incident.attachments if a.kind is AttachmentKind.PHOTO]
    others = [a for a in detail.incident.attachments if a.kind is not AttachmentKind.PHOTO]
    return render(
        request,
        "incident.html",
        {"d": detail, "i": detail.incident, "photos": photos, "others": others},
        who=who,
    )


@require_login
async def incident_file(request: Request, who: SignedIn) -> Response:
    """A photo or file of an incident the viewer may see; never served as a static file."""
    context = web_context(request)
    reference = inputs.path(request, "reference")
    attachment_id = int(request.path_params["attachment_id"])
    attachment = None
    if attachment_id <= MAX_ROW_ID:
        async with context.db.read() as session:
            attachment = await visible_attachment(session, who.viewer, reference, attachment_id)
    if attachment is None:
        return await refused(
            request, who, subject_type="attachment", subject_id=attachment_id, incident=reference
        )
    if not attachment.stored_path:
        return not_found(request, who)
    root = context.settings.files_dir.resolve()
    path = (root / attachment.stored_path).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return not_found(request, who)
    await record_view(
        context.db,
        who.viewer,
        AuditAction.WEB_FILE_VIEWED,
        context.clock.now(),
        client_address(request),
        subject_type="attachment",
        subject_id=attachment.id,
        incident=reference,
    )
    media_type = attachment.mime_type or _guess(path, attachment.kind)
    inline = media_type in ("image/jpeg", "image/png", "image/webp", "image/gif")
    response = FileResponse(
        path,
        media_type=media_type if inline else "application/octet-stream",
        filename=attachment.file_name or path.name,
        content_disposition_type="inline" if inline else "attachment",
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _guess(path: Path, kind: AttachmentKind) -> str:
    if kind is AttachmentKind.PHOTO:
        return mimetypes.guess_type(path.name)[0] or "image/jpeg"
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


@require_login
async def incident_cap(request: Request, who: SignedIn) -> Response:
    """The incident as a CAP 1.2 message."""
    context = web_context(request)
    reference = inputs.path(request, "reference")
    async with context.db.read() as session:
        incident = await visible_incident(session, who.viewer, reference)
    if incident is None:
        return await refused(
            request, who, subject_type="incident", subject_id=reference, format="cap"
        )
    await record_view(
        context.db,
        who.viewer,
        AuditAction.WEB_EXPORTED,
        context.clock.now(),
        client_address(request),
        subject_type="incident",
        subject_id=reference,
        format="cap",
    )
    body = cap.to_cap(
        incident,
        district_code=incident.district.code,
        district_name=incident.district.name_th,
        province_name=context.province_name,
        province_key=context.province_key,
        tz=context.settings.tz,
        public_base_url=context.settings.public_base_url,
    )
    return Response(
        body,
        media_type="application/cap+xml",
        headers={
            "Content-Disposition": f'attachment; filename="{reference}.cap.xml"',
            "Cache-Control": "no-store",
        },
    )


routes = [
    Route("/incidents", incident_list, methods=["GET"]),
    Route("/incidents/{reference:str}", incident_page, methods=["GET"]),
    Route("/incidents/{reference:str}/cap.xml", incident_cap, methods=["GET"]),
    Route("/incidents/{reference:str}/files/{attachment_id:int}", incident_file, methods=["GET"]),
]
