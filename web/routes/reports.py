"""Exports of the filtered list, the statistics page, and the audit log for admins."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from incidents.records import auditlog, exports, queries, stats
from incidents.records.auditlog import record_view
from storage.models import AuditAction
from web import inputs
from web.auth import SignedIn, require_login
from web.charts import charts_of
from web.context import client_address, web_context
from web.pages import refused, render
from web.routes.incidents import asked_filter, wanted_of


def _download(stream: StreamingResponse, filename: str) -> StreamingResponse:
    stream.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    stream.headers["Cache-Control"] = "no-store"
    return stream


async def _export(request: Request, who: SignedIn, kind: str) -> Response:
    context = web_context(request)
    wanted = wanted_of(request)
    tz = context.settings.tz
    now = context.clock.now()
    # Audited before the first byte leaves: an export that cannot be recorded is not sent.
    await record_view(
        context.db,
        who.viewer,
        AuditAction.WEB_EXPORTED,
        now,
        client_address(request),
        subject_type="incident_list",
        format=kind,
        filters=wanted.chosen(),
    )
    rows = queries.stream_export(context.db, who.viewer, wanted, tz)
    stamp = now.astimezone(tz).strftime("%Y%m%d-%H%M")
    if kind == "csv":
        body = exports.csv_chunks(rows, tz)
        return _download(
            StreamingResponse(body, media_type="text/csv; charset=utf-8"), f"incidents-{stamp}.csv"
        )
    return _download(
        StreamingResponse(exports.json_chunks(rows), media_type="application/json"),
        f"incidents-{stamp}.json",
    )


@require_login
async def export_csv(request: Request, who: SignedIn) -> Response:
    """The filtered list as CSV (UTF-8 with a BOM, so Excel shows Thai)."""
    return await _export(request, who, "csv")


@require_login
async def export_json(request: Request, who: SignedIn) -> Response:
    """The filtered list as JSON."""
    return await _export(request, who, "json")


@require_login
async def statistics_page(request: Request, who: SignedIn) -> Response:
    """Counts by month, district and category; time to the first acknowledgement."""
    context = web_context(request)
    wanted, notes = asked_filter(request)
    async with context.db.read() as session:
        figures = await stats.statistics(session, who.viewer, wanted, context.settings.tz)
        districts = await queries.districts(session, context.province_id)
    await record_view(
        context.db,
        who.viewer,
        AuditAction.WEB_STATISTICS_VIEWED,
        context.clock.now(),
        client_address(request),
        subject_type="statistics",
        filters=wanted.chosen(),
    )
    return render(
        request,
        "statistics.html",
        {
            "s": figures,
            "charts": charts_of(figures),
            "wanted": wanted,
            "notes": notes,
            "districts": districts,
        },
        who=who,
    )


@require_login
async def audit_page(request: Request, who: SignedIn) -> Response:
    """Who viewed or exported what, when and from where (admins only)."""
    if not who.viewer.is_admin:
        return await refused(request, who, subject_type="audit_log")
    context = web_context(request)
    asked = inputs.query(request)
    raw_page = asked.get("page", "1")
    page_no = int(raw_page) if raw_page.isdigit() and len(raw_page) < 7 else 1
    action_value = asked.get("action", "")
    action = next((a for a in AuditAction if a.value == action_value), None)
    shown = await auditlog.audit_page(context.db, page_no, context.settings.tz, action)
    await record_view(
        context.db,
        who.viewer,
        AuditAction.WEB_AUDIT_VIEWED,
        context.clock.now(),
        client_address(request),
        subject_type="audit_log",
        page=shown.page,
    )
    return render(
        request,
        "audit.html",
        {"a": shown, "action": action, "actions": list(AuditAction)},
        who=who,
    )


routes = [
    Route("/export.csv", export_csv, methods=["GET"]),
    Route("/export.json", export_json, methods=["GET"]),
    Route("/statistics", statistics_page, methods=["GET"]),
    Route("/audit", audit_page, methods=["GET"]),
]
