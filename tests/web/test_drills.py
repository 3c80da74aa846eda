"""The web log and drills: the list, exports and statistics leave them out unless the drills
filter asks; a drill incident's page and CAP say it is a drill."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from incidents.drills import scenarios, service
from incidents.drills.inject import inject
from incidents.text.drill import MARK
from storage.models import AuditAction, AuditEvent, Person
from tests.web.conftest import Site

DRILL = "PCT-DRILL-2569-0001"


async def add_drill_incident(site: Site) -> None:
    async with site.db.read() as session:
        people = (
            await session.scalars(select(Person.id).where(Person.roster_id.in_(["GOV", "D6604"])))
        ).all()
    await service.start(site.core, "ซ้อมน้ำท่วม", 60, list(people))
    injected = await inject(site.core, scenarios.load("phichit")["flood-taphan-hin"])
    assert injected.reference == DRILL


async def test_drills_are_left_out_unless_asked(site: Site):
    await site.add()
    await add_drill_incident(site)
    browser = await site.client("GOV")

    listed = await browser.get("/incidents")
    assert "PCT-2569-0001" in listed.text and DRILL not in listed.text
    only = await browser.get("/incidents?drills=only")
    assert DRILL in only.text and "PCT-2569-0001" not in only.text

    rows = list(csv.reader(io.StringIO((await browser.get("/export.csv")).text.lstrip("\ufeff"))))
    assert [r[0] for r in rows[1:]] == ["PCT-2569-0001"]
    asked = await browser.get("/export.csv?drills=include")
    rows = list(csv.reader(io.StringIO(asked.text.lstrip("\ufeff"))))
    assert sorted(r[0] for r in rows[1:]) == ["PCT-2569-0001", DRILL]
    assert [r[-1] for r in rows[1:] if r[0] == DRILL] == [MARK]


async def test_a_drill_incident_page_and_cap_say_it_is_a_drill(site: Site):
    await add_drill_incident(site)
    browser = await site.client("GOV")

    page = await browser.get(f"/incidents/{DRILL}")
    assert page.status_code == 200
    assert page.text.index(MARK) < page.text.index("<h1>")
    cap = await browser.get(f"/incidents/{DRILL}/cap.xml")
    assert "<status>Exercise</status>" in cap.text and MARK in cap.text


async def test_the_drill_report_page_is_for_admins_and_audited(site: Site):
    await add_drill_incident(site)
    admin = await site.client("ADMIN1")
    governor = await site.client("GOV")

    page = await admin.get("/drills/1")
    assert page.status_code == 200
    assert MARK in page.text and "รายงานผลการฝึกซ้อม" in page.text and DRILL in page.text
    assert "ยังไม่มีผู้บริหารรับทราบ" in page.text
    assert (await governor.get("/drills/1")).status_code == 404
    assert (await admin.get("/drills/99")).status_code == 404
    async with site.db.read() as session:
        actions = (await session.scalars(select(AuditEvent.action))).all()
    assert AuditAction.WEB_DRILL_VIEWED in actions
