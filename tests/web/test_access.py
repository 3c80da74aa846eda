"""Who sees what: anonymous requests, reporters and their agency, executives, admins, audit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.models import AuditAction, AuditEvent
from tests.fakes import make_png
from tests.support.incidents import Spec
from tests.web.conftest import HTML, Site

PHOTO = make_png(8, 8, (10, 20, 30))


async def two_agencies(site: Site) -> tuple[str, str]:
    """An incident of Taphan Hin's district office and one of Bang Mun Nak's."""
    own = await site.add(Spec(reporter="D6604", place="ตะพานหิน", photos=[PHOTO]))
    other = await site.add(
        Spec(reporter="D6605", district="6605", place="บางมูลนาก", photos=[make_png(9, 9)])
    )
    return own, other


def paths(reference: str) -> list[str]:
    return [
        "/incidents",
        f"/incidents/{reference}",
        f"/incidents/{reference}/files/1",
        f"/incidents/{reference}/cap.xml",
        "/statistics",
        "/export.csv",
        "/export.json",
        "/audit",
    ]


@pytest.mark.parametrize("accept", ["text/html", "*/*"])
async def test_anonymous_requests_get_the_login_page_or_401_and_no_data(site: Site, accept):
    reference = await site.add(Spec(place="สถานที่ลับ", photos=[PHOTO]))
    browser = site.anonymous()

    for path in paths(reference):
        answer = await browser.get(path, headers={"accept": accept})
        assert answer.status_code == 401, path
        assert "สถานที่ลับ" not in answer.text, path
        assert reference not in answer.text, path
        assert PHOTO not in answer.content, path
        if accept == "text/html":
            assert "/web" in answer.text, path  # the login page says how to sign in


async def test_a_forged_or_garbage_cookie_is_anonymous(site: Site):
    reference = await site.add()
    browser = site.anonymous()
    browser.cookies.set("weblog_session", "A" * 43)

    for path in paths(reference):
        assert (await browser.get(path, headers=HTML)).status_code == 401, path


async def test_a_reporter_sees_only_their_own_agencys_incidents(site: Site):
    own, other = await two_agencies(site)
    browser = await site.client("D6604")

    listing = await browser.get("/incidents", headers=HTML)
    csv = (await browser.get("/export.csv")).text
    json_rows = (await browser.get("/export.json")).json()
    statistics = await browser.get("/statistics", headers=HTML)

    assert own in listing.text and other not in listing.text
    assert "ท่านเห็นเฉพาะเหตุการณ์ที่หน่วยงานของท่านรายงาน (ที่ว่าการอำเภอตะพานหิน)" in listing.text
    assert own in csv and other not in csv
    assert [row["reference"] for row in json_rows] == [own]
    # Bang Mun Nak appears on the province's map only, and with none of the other agency's.
    chart = statistics.text.split("</figure>", 1)[1]
    assert "บางมูลนาก" not in chart and "อ.ตะพานหิน" in chart
    assert "อ.บางมูลนาก: เหตุการณ์ 0 เหตุ" in statistics.text


async def test_another_agencys_incident_is_not_found_for_a_reporter(site: Site):
    _own, other = await two_agencies(site)
    browser = await site.client("D6604")

    for path in (f"/incidents/{other}", f"/incidents/{other}/cap.xml"):
        answer = await browser.get(path, headers=HTML)
        assert answer.status_code == 404, path
        assert "บางมูลนาก" not in answer.text
    photo = await browser.get(f"/incidents/{other}/files/2")
    # Asking for the photo through one's own incident does not work either.
    through_own = await browser.get(f"/incidents/{_own}/files/2")
    assert photo.status_code == through_own.status_code == 404


async def test_executives_and_admins_see_every_agency(site: Site):
    own, other = await two_agencies(site)

    for roster_id in ("GOV", "ADMIN1"):
        browser = await site.client(roster_id)
        listing = await browser.get("/incidents", headers=HTML)
        assert own in listing.text and other in listing.text, roster_id
        assert (await browser.get(f"/incidents/{other}", headers=HTML)).status_code == 200
        photo = await browser.get(f"/incidents/{other}/files/2")
        assert photo.status_code == 200
        assert photo.headers["content-type"] == "image/png"


async def test_photos_are_served_only_through_the_checked_route(site: Site):
    reference = await site.add(Spec(photos=[PHOTO]))
    browser = await site.client("GOV")

    served = await browser.get(f"/incidents/{reference}/files/1")
    static_guess = await browser.get("/static/../data/files")
    traversal = await browser.get(f"/incidents/{reference}/files/..%2F..%2Fetc%2Fpasswd")

    assert served.status_code == 200 and served.content == PHOTO
    assert served.headers["cache-control"] == "private, no-store"
    assert static_guess.status_code == 404
    assert traversal.status_code == 404


async def test_the_audit_log_is_for_admins_only(site: Site):
    await site.add()
    executive = await site.client("GOV")
    reporter_admin = await site.client("SNJ")  # head of the Provincial Office: reporter and admin

    refused = await executive.get("/audit", headers=HTML)
    shown = await reporter_admin.get("/audit", headers=HTML)

    assert refused.status_code == 404
    assert shown.status_code == 200
    assert "บันทึกการใช้งาน" in shown.text
    assert "เข้าสู่ระบบเว็บ" in shown.text
    assert "นายสมมติ ตัวอย่างดี" in shown.text  # the governor's sign-in is listed
    assert "203.0.113.7" in shown.text


async def test_every_view_and_export_is_audited_with_who_what_and_where(site: Site):
    reference = await site.add(Spec(photos=[PHOTO]))
    browser = await site.client("DGOV1")

    await browser.get("/incidents?q=น้ำ", headers=HTML)
    await browser.get(f"/incidents/{reference}", headers=HTML)
    await browser.get(f"/incidents/{reference}/files/1")
    await browser.get(f"/incidents/{reference}/cap.xml")
    await browser.get("/statistics", headers=HTML)
    await browser.get("/export.csv?district=6604")
    await browser.get("/export.json")

    async with site.db.read() as session:
        events = (
            await session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action.not_in([AuditAction.WEB_LINK_ISSUED]))
                .order_by(AuditEvent.id)
            )
        ).all()
    seen = [
        (e.action, e.subject_type, e.subject_id, e.detail.get("format"), e.detail.get("filters"))
        for e in events
        if e.action is not AuditAction.WEB_LOGIN and e.action.value.startswith("web.")
    ]
    assert seen == [
        (AuditAction.WEB_LIST_VIEWED, "incident_list", "", None, {"q": "น้ำ"}),
        (AuditAction.WEB_INCIDENT_VIEWED, "incident", reference, None, None),
        (AuditAction.WEB_FILE_VIEWED, "attachment", "1", None, None),
        (AuditAction.WEB_EXPORTED, "incident", reference, "cap", None),
        (AuditAction.WEB_STATISTICS_VIEWED, "statistics", "", None, {}),
        (AuditAction.WEB_EXPORTED, "incident_list", "", "csv", {"district": "6604"}),
        (AuditAction.WEB_EXPORTED, "incident_list", "", "json", {}),
    ]
    web_events = [e for e in events if e.action.value.startswith("web.")]
    assert {e.source for e in web_events} == {"203.0.113.7"}
    assert {e.actor_label for e in web_events} == {"นายทดลอง ใจสมมติ"}
    assert all(e.actor_person_id is not None for e in web_events)


async def refusals(site: Site) -> list[tuple[str, str, str, dict[str, object], str, str]]:
    """The refused web requests in the audit trail: subject, detail, who and from where."""
    async with site.db.read() as session:
        events = (
            await session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == AuditAction.WEB_ACCESS_REFUSED)
                .order_by(AuditEvent.id)
            )
        ).all()
    return [
        (e.subject_type, e.subject_id, e.actor_label, e.detail, e.source, str(e.actor_person_id))
        for e in events
    ]


async def test_another_agencys_page_file_and_cap_are_refused_and_audited(site: Site):
    own, other = await two_agencies(site)
    browser = await site.client("D6604")

    answers = [
        await browser.get(f"/incidents/{other}", headers=HTML),
        await browser.get(f"/incidents/{other}/files/2", headers=HTML),
        await browser.get(f"/incidents/{own}/files/2", headers=HTML),
        await browser.get(f"/incidents/{other}/cap.xml", headers=HTML),
    ]

    assert [a.status_code for a in answers] == [404, 404, 404, 404]
    reporter = await site.person_id("D6604")
    assert await refusals(site) == [
        ("incident", other, "นายตัวอย่าง หินสมมติ", {}, "203.0.113.7", reporter),
        ("attachment", "2", "นายตัวอย่าง หินสมมติ", {"incident": other}, "203.0.113.7", reporter),
        ("attachment", "2", "นายตัวอย่าง หินสมมติ", {"incident": own}, "203.0.113.7", reporter),
        ("incident", other, "นายตัวอย่าง หินสมมติ", {"format": "cap"}, "203.0.113.7", reporter),
    ]


async def test_a_refusal_reads_exactly_like_something_that_does_not_exist(site: Site):
    _own, other = await two_agencies(site)
    browser = await site.client("D6604")

    refused = await browser.get(f"/incidents/{other}", headers=HTML)
    missing = await browser.get("/incidents/PCT-2569-9999", headers=HTML)
    refused_file = await browser.get(f"/incidents/{other}/files/2", headers=HTML)
    missing_file = await browser.get(f"/incidents/{other}/files/99", headers=HTML)

    assert refused.status_code == missing.status_code == 404
    assert refused.text == missing.text
    assert refused_file.text == missing_file.text == refused.text
    assert other not in refused.text


async def test_the_audit_page_asked_for_by_a_non_admin_is_refused_and_audited(site: Site):
    executive = await site.client("GOV")

    answer = await executive.get("/audit?action=web.login", headers=HTML)

    assert answer.status_code == 404
    governor = await site.person_id("GOV")
    assert await refusals(site) == [
        ("audit_log", "", "นายสมมติ ตัวอย่างดี", {}, "203.0.113.7", governor)
    ]


async def test_an_overlong_or_out_of_range_address_is_refused_without_error(site: Site):
    reference = await site.add()
    browser = await site.client("D6605")
    long_reference = "PCT-" + "9" * 300

    page = await browser.get(f"/incidents/{long_reference}", headers=HTML)
    photo = await browser.get(f"/incidents/{reference}/files/{10**20}", headers=HTML)
    long_photo = await browser.get(f"/incidents/{long_reference}/files/1", headers=HTML)

    assert page.status_code == photo.status_code == long_photo.status_code == 404
    [(_, long_id, *_), (_, huge_id, *_), (_, _, _, detail, *_)] = await refusals(site)
    assert long_id == long_reference[:64]
    assert huge_id == str(10**20)
    assert detail == {"incident": long_reference[:64]}


async def test_a_viewer_who_may_see_it_is_not_recorded_as_refused(site: Site):
    own, _other = await two_agencies(site)
    browser = await site.client("D6604")

    await browser.get(f"/incidents/{own}", headers=HTML)
    await browser.get(f"/incidents/{own}/files/1")
    await browser.get(f"/incidents/{own}/cap.xml")

    assert await refusals(site) == []
