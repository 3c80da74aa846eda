"""The audit log page speaks Thai: subjects, details and their values, never internal names."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from incidents.audit import Actor, record
from incidents.text.web import AUDIT_LABELS
from storage.models import AuditAction, Incident, Person
from tests.support.incidents import Spec
from tests.web.conftest import HTML, Site

# An internal name: snake_case, dotted (web.login), or a JSON brace.
INTERNAL = re.compile(r"[a-z]{2,}[_.][a-z]{2,}|[{}\[\]]")


def rows_text(page: str) -> str:
    """The visible text of the audit table's rows."""
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


async def audit_text(site: Site) -> str:
    """The audit page's rows as an admin reads them."""
    admin = await site.client("ADMIN1")
    answer = await admin.get("/audit", headers=HTML)
    assert answer.status_code == 200
    return rows_text(answer.text)


async def test_views_and_exports_read_as_thai_with_their_filters(site: Site):
    reference = await site.add(Spec())
    browser = await site.client("DGOV1")
    await browser.get(
        "/incidents",
        params={"category": "flood", "date_from": "1/11/2569", "district": "6604", "q": "น้ำ"},
        headers=HTML,
    )
    await browser.get("/export.csv", params={"status": "reported", "sort": "urgency"})
    await browser.get(f"/incidents/{reference}/cap.xml")
    await browser.get("/statistics", headers=HTML)

    shown = await audit_text(site)

    assert "รายการเหตุการณ์" in shown
    assert "ตัวกรอง: ตั้งแต่วันที่ 1 พ.ย. 2569 · อำเภอ ตะพานหิน · ประเภท อุทกภัย · คำค้น “น้ำ”" in shown
    assert "จำนวนที่แสดง: 1" in shown
    assert "รูปแบบไฟล์: CSV (Excel)" in shown
    assert "ตัวกรอง: สถานะ แจ้งแล้ว รอรับทราบ · เรียงตาม ความเร่งด่วน" in shown
    assert f"เหตุการณ์ {reference}" in shown and "รูปแบบไฟล์: CAP 1.2 (XML)" in shown
    assert "สถิติ" in shown
    assert INTERNAL.findall(shown) == []


async def test_empty_details_are_hidden(site: Site):
    browser = await site.client("GOV")
    await browser.get("/statistics", headers=HTML)

    shown = await audit_text(site)

    assert "ตัวกรอง" not in shown
    assert "filters" not in shown


async def test_the_bots_own_events_read_as_thai_too(site: Site):
    reference = await site.add(Spec())
    async with site.db.write() as session:
        incident_id = await session.scalar(
            select(Incident.id).where(Incident.reference == reference)
        )
        reporter = await session.scalar(select(Person).where(Person.roster_id == "D6605"))
        assert incident_id is not None and reporter is not None
        telegram = Actor(person_id=reporter.id, telegram_id=555, source="telegram")
        now = site.clock.now()
        record(
            session,
            AuditAction.THREAD_ACTION_REFUSED,
            telegram,
            now,
            subject_type="incident",
            subject_id=incident_id,
            button="instruction_ack",
        )
        record(
            session,
            AuditAction.INVITE_REFUSED,
            Actor(telegram_id=777, source="telegram"),
            now,
            subject_type="invite",
            subject_id=3,
            reason="expired",
        )
        record(
            session,
            AuditAction.STRANGER_REFUSED,
            Actor(telegram_id=777, source="telegram"),
            now,
            subject_type="telegram_user",
            subject_id=777,
            what="สวัสดี",
            admins_notified=True,
        )
        record(
            session,
            AuditAction.RECIPIENT_UNREACHABLE,
            Actor(source="dispatcher"),
            now,
            subject_type="person",
            subject_id=reporter.id,
            reason="Forbidden: bot was blocked by the user",
        )
        record(
            session,
            AuditAction.LINE_QUOTA_WARNED,
            Actor(source="line"),
            now,
            subject_type="line_quota",
            subject_id="2026-11",
            used=800,
            limit=1000,
            percent=80,
        )

    shown = await audit_text(site)

    assert f"ปฏิเสธการดำเนินการกับเหตุการณ์ เหตุการณ์ {reference}" in shown
    assert "การดำเนินการ: รับทราบข้อสั่งการ" in shown
    assert "รหัสเชิญ ลำดับ 3" in shown and "เหตุผล: หมดอายุแล้ว" in shown
    assert "บัญชี Telegram 777" in shown and "แจ้งผู้ดูแลระบบแล้ว: ใช่" in shown
    assert "ผู้ใช้ นายสาธิต บางทดลอง" in shown and "ส่งข้อความไม่ถึงผู้รับ" in shown
    assert "ระบบส่งข้อความ" in shown
    assert "โควตาข้อความ LINE ประจำเดือน 2026-11" in shown and "โควตาต่อเดือน: 1,000" in shown
    # The roster import the sample roster came in with, from the command line.
    assert "ทะเบียนรายชื่อ" in shown and "ผู้ดูแลเครื่องแม่ข่าย" in shown
    assert "คำสั่ง incident-bot บนเครื่องแม่ข่าย" in shown
    assert INTERNAL.findall(shown) == []


def test_every_audited_action_has_a_thai_label():
    assert set(AUDIT_LABELS) == set(AuditAction)
