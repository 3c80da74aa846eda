"""สถานการณ์ปัจจุบัน: open incidents with the unacknowledged first, casualty totals with the
unknown kept apart from zero, counts by district; the live part it refreshes itself with, its
own script allowed by the page's policy alone; views folded on one audit row; a reporter sees
their own agency's."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from storage.models import AuditAction, AuditEvent, IncidentStatus, Urgency
from tests.support.incidents import Spec
from tests.web.conftest import HTML, Site


def order_of(page: str, references: list[str]) -> list[str]:
    """The references in the order the page lists them."""
    found = re.findall(r"PCT-\d{4}-\d{4}", page)
    return [r for r in dict.fromkeys(found) if r in references]


async def test_the_unacknowledged_lead_and_the_totals_keep_unknown_apart(site: Site):
    acked = await site.add(
        Spec(
            urgency=Urgency.MOST_URGENT,
            ack_after=timedelta(minutes=2),
            acknowledged_by="GOV",
            dead=2,
            injured=None,
        )
    )
    site.clock.advance(timedelta(minutes=5))
    waiting_old = await site.add(Spec(urgency=Urgency.URGENT, dead=0, injured=3))
    site.clock.advance(timedelta(minutes=5))
    waiting_new = await site.add(Spec(urgency=Urgency.MOST_URGENT, district="6601", dead=None))
    closed = await site.add(Spec(status=IncidentStatus.CLOSED, dead=9))
    browser = await site.client("GOV")

    page = (await browser.get("/situation", headers=HTML)).text

    assert order_of(page, [acked, waiting_old, waiting_new]) == [waiting_new, waiting_old, acked]
    assert closed not in page
    open_totals = page.split("แจ้งวันนี้")[0]
    # Dead: 2 + 0 known, one incident did not say; injured: 3 known, two did not say.
    assert re.search(r"เสียชีวิต</span><strong>2</strong><small>ไม่ทราบ 1 เหตุ", open_totals)
    assert re.search(r"บาดเจ็บ</span><strong>3</strong><small>ไม่ทราบ 2 เหตุ", open_totals)
    assert "ยังไม่มีผู้บริหารรับทราบ 2" in open_totals
    assert "เสียชีวิต ยังไม่ทราบ" in page  # an incident that gave no figure, on its line
    assert "อ.สามง่าม" in page or "อ.เมืองพิจิตร" in page


async def test_the_page_runs_its_own_script_and_its_live_part_alone(site: Site):
    await site.add()
    browser = await site.client("DGOV1")

    page = await browser.get("/situation", headers=HTML)
    part = await browser.get("/situation?part=live", headers=HTML)
    listing = await browser.get("/incidents", headers=HTML)

    assert page.status_code == 200 and '<script src="/static/situation.js" defer>' in page.text
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "connect-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "script-src" not in listing.headers["content-security-policy"]
    assert part.status_code == 200 and "<html" not in part.text and "<script" not in part.text
    assert "PCT-" in part.text
    assert part.headers["cache-control"] == "no-store"


async def test_refreshes_are_counted_on_one_audit_row(site: Site):
    browser = await site.client("GOV")
    for _ in range(3):
        await browser.get("/situation?part=live", headers=HTML)
    async with site.db.read() as session:
        rows = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.action == AuditAction.WEB_SITUATION_VIEWED)
            )
        ).all()
    assert [(r.count, r.actor_person_id) for r in rows] == [(3, int(await site.person_id("GOV")))]


async def test_a_reporter_sees_only_their_agencys_situation(site: Site):
    mine = await site.add(Spec(reporter="D6604"))
    theirs = await site.add(Spec(reporter="D6601", district="6601"))
    browser = await site.client("D6604")

    page = (await browser.get("/situation", headers=HTML)).text

    assert mine in page and theirs not in page
    assert "เหตุการณ์ที่ยังเปิดอยู่ <strong>1</strong>" in page


async def test_signing_in_and_the_home_page_open_the_situation(site: Site):
    assert (await site.anonymous().get("/")).headers["location"] == "/situation"
    anonymous = await site.anonymous().get("/situation", headers=HTML)
    assert anonymous.status_code == 401 and "PCT-" not in anonymous.text
    browser = site.anonymous()
    answer = await site.sign_in(browser, await site.link("GOV"))
    assert answer.headers["location"] == "/situation"
