"""Every web route against every kind of viewer, as the permission model (incidents/policy.py) says:
reporters see their agency's incidents and those alerted to them, executives and admins see
everything, only admins see the audit log; anything else is the same 404 as a missing page."""

from __future__ import annotations

import pytest
from starlette.routing import Mount, Route

from tests.fakes import make_png
from tests.support.incidents import Spec
from tests.web.conftest import HTML, Site

PHOTO = make_png(8, 8, (10, 20, 30))

# Who is looking, and whether the incident of Taphan Hin's district office is theirs to see.
VIEWERS = {
    "reporter of the agency": ("D6604", True),
    "reporter of another agency": ("D6605", False),
    "escalation contact": ("PAL", True),
    "executive": ("DGOV2", True),
    "admin": ("ADMIN1", True),
}
ADMINS = {"ADMIN1"}

# Each route of the web log, and how a viewer's reach shows in its answer.
INCIDENT_ROUTES = {
    "/incidents/{reference:str}": "page",
    "/incidents/{reference:str}/cap.xml": "cap",
    "/incidents/{reference:str}/files/{attachment_id:int}": "file",
}
LISTING_ROUTES = {"/situation", "/incidents", "/export.csv", "/export.json", "/statistics"}
ADMIN_ROUTES = {"/audit", "/drills/{drill_id:int}"}  # drills: tests/web/test_drills.py
PUBLIC_ROUTES = {"/", "/healthz", "/readyz", "/login", "/login/{token}", "/logout", "/static"}
# Read with a subscriber's token alone: tests/web/test_cap_feed.py.
FEED_ROUTES = {"/feeds/cap.atom"}
OPERATOR_ROUTES = {"/metrics"}  # its token-or-loopback rule: tests/web/test_metrics_access.py
# Opened by a signed, expiring address alone: tests/incidents/records/test_photo_links.py.
SIGNED_ROUTES = {"/photos/{attachment_id:int}/{expires:int}/{signature:str}"}
# Forms that act, each with its access rules: tests/web/test_links.py.
ACTION_ROUTES = {"/incidents/{reference:str}/links"}


def test_the_table_covers_every_route_of_the_web_log(site: Site):
    app = site.app.app  # type: ignore[attr-defined]  # inside the security headers
    paths = {r.path for r in app.routes if isinstance(r, Route | Mount)}
    covered = set(INCIDENT_ROUTES) | LISTING_ROUTES | ADMIN_ROUTES | PUBLIC_ROUTES
    covered |= OPERATOR_ROUTES | SIGNED_ROUTES | ACTION_ROUTES | FEED_ROUTES
    assert paths == covered


@pytest.mark.parametrize("viewer", list(VIEWERS))
async def test_each_viewer_gets_what_the_policy_gives_them_on_every_route(site: Site, viewer):
    roster_id, sees = VIEWERS[viewer]
    reference = await site.add(
        Spec(
            reporter="D6604",
            place="ริมแม่น้ำน่าน ตะพานหิน",
            photos=[PHOTO],
            recipients=["GOV"],
            escalated=["PAL"],
        )
    )
    browser = await site.client(roster_id)

    for route, kind in INCIDENT_ROUTES.items():
        path = route.replace("{reference:str}", reference).replace("{attachment_id:int}", "1")
        answer = await browser.get(path, headers=HTML)
        assert answer.status_code == (200 if sees else 404), (viewer, kind)
        if not sees:
            assert "ริมแม่น้ำน่าน" not in answer.text and PHOTO not in answer.content
    for path in sorted(LISTING_ROUTES):
        answer = await browser.get(path, headers=HTML)
        assert answer.status_code == 200, (viewer, path)
        if path != "/statistics":
            assert (reference in answer.text) is sees, (viewer, path)
    statistics = await browser.get("/statistics", headers=HTML)
    total = 1 if sees else 0
    assert f"<span>เหตุการณ์ทั้งหมด</span><strong>{total}</strong>" in statistics.text
    audit = await browser.get("/audit", headers=HTML)
    assert audit.status_code == (200 if roster_id in ADMINS else 404), viewer
