"""Exports of the filtered list, the statistics page, and the audit log for admins."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from incidents.records import auditlog, browsing, downloads
from incidents.records.downloads import ExportFormat
from incidents.records.sessions import SignedIn
from incidents.records.stats import Statistics
from storage.models import AuditAction
from web import inputs, maps
from web.auth import require_login
from web.charts import charts_of
from web.context import client_address, core_of
from web.pages import not_found, render


async def _export(request: Request, who: SignedIn, kind: ExportFormat) -> Response:
    wanted, _ = inputs.incident_filter(request)
    export = await downloads.export(
        core_of(request), who.viewer, wanted, kind, client_address(request)
    )
    stream = StreamingResponse(export.chunks, media_type=export.media_type)
    stream.headers["Content-Disposition"] = f'attachment; filename="{export.file_name}"'
    stream.headers["Cache-Control"] = "no-store"
    return stream


@require_login
async def export_csv(request: Request, who: SignedIn) -> Response:
    """The filtered list as CSV (UTF-8 with a BOM, so Excel shows Thai)."""
    return await _export(request, who, ExportFormat.CSV)


@require_login
async def export_json(request: Request, who: SignedIn) -> Response:
    """The filtered list as JSON."""
    return await _export(request, who, ExportFormat.JSON)


@require_login
async def statistics_page(request: Request, who: SignedIn) -> Response:
    """Counts by month, district and category; time to the first acknowledgement."""
    wanted, notes = inputs.incident_filter(request)
    figures = await browsing.statistics_page(
        core_of(request), who.viewer, wanted, client_address(request)
    )
    return render(
        request,
        "statistics.html",
        {
            "s": figures.statistics,
            "charts": charts_of(figures.statistics),
            "wanted": wanted,
            "notes": notes,
            "districts": figures.districts,
            "tile_map_of_statistics": _statistics_map(request, figures.statistics),
        },
        who=who,
    )


def _statistics_map(request: Request, statistics: Statistics) -> maps.TileMap | None:
    """The districts shaded by their share of the filtered incidents."""
    province = core_of(request).province
    codes = {d.name_th: d.code for d in province.districts}
    counts = {codes[c.key]: (c.count, 0) for c in statistics.by_district if c.key in codes}
    return maps.tile_map(province, counts, relative=True)


@require_login
async def audit_page(request: Request, who: SignedIn) -> Response:
    """Who viewed or exported what, when and from where (admins only)."""
    page, action = inputs.audit_filter(request)
    shown = await auditlog.audit_log(
        core_of(request), who.viewer, page, action, client_address(request)
    )
    if shown is None:
        return not_found(request, who)
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
