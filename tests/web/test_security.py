"""Security headers on every response, and every piece of user text escaped on every page."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from storage.models import Attachment, EventKind, Incident, IncidentEvent, Person
from tests.fakes import make_png
from tests.support.incidents import Spec
from tests.web.conftest import HTML, Site, csrf_of

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "'><svg onload=alert(3)>",
    "</textarea><script>alert(4)</script>",
    "{{7*7}}<b>ตัวหนา</b>",
]
PAYLOAD = " ".join(PAYLOADS)


async def incident_with_payloads(site: Site) -> str:
    """An incident whose every free-text field, and its reporter's roster text, is hostile."""
    async with site.db.write() as session:
        person = await session.scalar(select(Person).where(Person.roster_id == "D6604"))
        person.name = f"นาย{PAYLOAD}"
        person.position = f"ตำแหน่ง{PAYLOAD}"
        person.phone = '08"><script>alert(5)</script>'  # the column holds 40 characters
        person.agency.name = f"หน่วยงาน{PAYLOAD}"
    reference = await site.add(
        Spec(
            place=f"สถานที่{PAYLOAD}",
            description=f"รายละเอียด{PAYLOAD}",
            damage_note=f"ความเสียหาย{PAYLOAD}",
            photos=[make_png(5, 5)],
            latitude=16.4,
            longitude=100.3,
        )
    )
    async with site.db.write() as session:
        incident = await session.scalar(select(Incident).where(Incident.reference == reference))
        session.add(
            IncidentEvent(
                incident_id=incident.id,
                at=site.clock.now(),
                kind=EventKind.UPDATE,
                actor_person_id=incident.reporter_id,
                text=f"ความคืบหน้า{PAYLOAD}",
                data={},
            )
        )
        attachment = await session.scalar(select(Attachment))
        attachment.caption = f"คำบรรยาย{PAYLOAD}"
        incident.close_summary = f"สรุป{PAYLOAD}"
        incident.closed_at = site.clock.now()
    return reference


async def test_every_free_text_field_is_escaped_on_every_page(site: Site):
    reference = await incident_with_payloads(site)
    executive = await site.client("GOV")
    admin = await site.client("ADMIN1")

    pages = {
        "list": await executive.get("/incidents", headers=HTML),
        "detail": await executive.get(f"/incidents/{reference}", headers=HTML),
        "statistics": await executive.get("/statistics", headers=HTML),
        "search": await executive.get("/incidents", params={"q": PAYLOADS[1]}, headers=HTML),
    }
    pages["audit"] = await admin.get("/audit", headers=HTML)

    for name, answer in pages.items():
        assert answer.status_code == 200, name
        assert "<script" not in answer.text.lower(), name
        # As text the payloads are harmless; as markup they would be these tags.
        assert "<img src=x" not in answer.text, name
        assert "<svg onload" not in answer.text, name
        assert "<b>ตัวหนา" not in answer.text, name
    detail = pages["detail"].text
    for field in ("สถานที่", "รายละเอียด", "ความเสียหาย", "ความคืบหน้า", "คำบรรยาย", "สรุป"):
        assert f"{field}{html.escape(PAYLOADS[0], quote=False)}" in detail or (
            f"{field}{html.escape(PAYLOADS[0])}" in detail
        ), field
    assert "{{7*7}}&lt;b&gt;ตัวหนา&lt;/b&gt;" in detail
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages["list"].text
    assert 'value="&#34;&gt;&lt;img src=x onerror=alert(2)&gt;"' in pages["search"].text or (
        'value="&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"' in pages["search"].text
    )


async def test_exports_carry_the_text_as_data(site: Site):
    reference = await incident_with_payloads(site)
    browser = await site.client("GOV")

    csv_text = (await browser.get("/export.csv")).content.decode("utf-8-sig")
    json_rows = (await browser.get("/export.json")).json()
    cap = (await browser.get(f"/incidents/{reference}/cap.xml")).text

    assert PAYLOADS[0] in csv_text  # CSV is data, not markup
    assert json_rows[0]["place"] == f"สถานที่{PAYLOAD}"
    assert "<script>" not in cap and "&lt;script&gt;alert(1)&lt;/script&gt;" in cap


async def all_kinds_of_response(site: Site):
    reference = await site.add(Spec(photos=[make_png(3, 3)]))
    browser = await site.client("GOV")
    anonymous = site.anonymous()
    return {
        "page": await browser.get("/incidents", headers=HTML),
        "detail": await browser.get(f"/incidents/{reference}", headers=HTML),
        "file": await browser.get(f"/incidents/{reference}/files/1"),
        "csv": await browser.get("/export.csv"),
        "cap": await browser.get(f"/incidents/{reference}/cap.xml"),
        "static": await browser.get("/static/style.css"),
        "not found": await browser.get("/nowhere"),
        "missing incident": await browser.get("/incidents/PCT-0000-0000", headers=HTML),
        "anonymous": await anonymous.get("/incidents", headers=HTML),
        "login": await anonymous.get("/login", headers=HTML),
        "bad link": await anonymous.get("/login/nope", headers=HTML),
        "csrf refused": await browser.post("/logout", data={"csrf": "x"}),
        "wrong method": await browser.delete("/incidents"),
    }


async def test_security_headers_are_on_every_response(site: Site):
    for name, answer in (await all_kinds_of_response(site)).items():
        headers = answer.headers
        csp = headers.get("content-security-policy", "")
        assert "default-src 'none'" in csp, name
        assert "frame-ancestors 'none'" in csp, name
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, name
        assert "script-src" not in csp, name  # no script may run at all
        assert headers.get("x-content-type-options") == "nosniff", name
        assert headers.get("referrer-policy") == "same-origin", name
        assert headers.get("x-frame-options") == "DENY", name
        assert "server" not in headers, name


async def test_pages_have_no_inline_script_style_or_external_resource(site: Site):
    reference = await incident_with_payloads(site)
    browser = await site.client("ADMIN1")

    anonymous = site.anonymous()
    for path in ("/incidents", f"/incidents/{reference}", "/statistics", "/audit", "/login"):
        client = anonymous if path == "/login" else browser
        page = (await client.get(path, headers=HTML)).text
        assert "<script" not in page, path
        assert "style=" not in page, path  # the CSP would block inline styles anyway
        assert "<style" not in page, path
        for attribute in ('src="http', "src='http", 'href="//', "@import"):
            assert attribute not in page, path
        assert '<link rel="stylesheet" href="/static/style.css">' in page, path


async def test_pages_with_data_are_never_cached(site: Site):
    reference = await site.add()
    browser = await site.client("GOV")

    for path in ("/incidents", f"/incidents/{reference}", "/statistics", "/export.csv"):
        assert (await browser.get(path, headers=HTML)).headers["cache-control"] == "no-store"


@pytest.mark.parametrize("path", ["/logout", "/login"])
async def test_state_changing_requests_need_post_and_a_token(site: Site, path: str):
    browser = await site.client("GOV")
    page = await browser.get("/incidents", headers=HTML)

    via_get = await browser.get(path, headers=HTML)
    without_token = await browser.post(path, data={})

    assert csrf_of(page.text)
    assert without_token.status_code == 403
    if path == "/logout":
        assert via_get.status_code == 405
    assert (await browser.get("/incidents", headers=HTML)).status_code == 200
