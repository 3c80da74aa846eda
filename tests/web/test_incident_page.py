"""An incident's page: every field, the timeline, who got the alert and when, photos, map."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.models import Category, IncidentStatus, Urgency
from tests.fakes import make_png
from tests.support.incidents import Spec
from tests.web.conftest import HTML, Site
from tests.web.thread import change_status, post_news


async def test_the_page_shows_every_field_in_thai(site: Site):
    reference = await site.add(
        Spec(
            category=Category.FLOOD,
            urgency=Urgency.VERY_URGENT,
            ddpm_level=2,
            occurred_at=datetime(2026, 11, 28, 7, 5, tzinfo=UTC),
            place="บ้านวังหลุม หมู่ 3",
            description="น้ำล้นตลิ่ง\nกำลังอพยพ",
            damage_note="ถนนขาด 2 จุด",
            dead=0,
            injured=3,
            latitude=16.4419,
            longitude=100.3488,
            status=IncidentStatus.ACKNOWLEDGED,
            ack_after=timedelta(minutes=3),
            acknowledged_by="DGOV1",
        )
    )
    browser = await site.client("GOV")

    page = (await browser.get(f"/incidents/{reference}", headers=HTML)).text

    for text in (
        f"{reference} · อุทกภัย",
        "ด่วนมาก",
        "ระดับ 2 ขนาดกลาง",
        "ผู้บริหารรับทราบแล้ว",
        "28 พ.ย. 2569 14.05 น.",  # occurred, Bangkok time
        "28 พ.ย. 2569 14.06 น.",  # reported
        "บ้านวังหลุม หมู่ 3",
        "น้ำล้นตลิ่ง\nกำลังอพยพ",
        "ถนนขาด 2 จุด",
        "<dt>เสียชีวิต</dt><dd>0</dd>",
        "<dt>บาดเจ็บ</dt><dd>3</dd>",
        "<dt>สูญหาย</dt><dd>ยังไม่ทราบ</dd>",  # unknown is not zero
        "นายตัวอย่าง หินสมมติ · นายอำเภอตะพานหิน",
        "ที่ว่าการอำเภอตะพานหิน",
        'href="tel:080-000-1604"',
        "28 พ.ย. 2569 14.09 น. โดย นายทดลอง ใจสมมติ",
        "16.44190, 100.34880",
    ):
        assert text in page, text
    assert 'href="https://www.google.com/maps/search/?api=1&amp;query=16.441900,100.348800"' in page
    assert f'href="/incidents/{reference}/cap.xml"' in page


async def test_the_timeline_and_each_recipients_delivery_and_acknowledgement(site: Site):
    reference = await site.add(
        Spec(
            occurred_at=datetime(2026, 11, 28, 7, 0, tzinfo=UTC),
            recipients=["GOV", "DGOV1", "DGOV2"],
            ack_after=timedelta(minutes=4),
            acknowledged_by="DGOV1",
        )
    )
    browser = await site.client("ADMIN1")

    page = (await browser.get(f"/incidents/{reference}", headers=HTML)).text

    timeline = page[page.index("ลำดับเหตุการณ์") :]
    assert timeline.index("รับแจ้งเหตุ") < timeline.index("ผู้บริหารรับทราบ")
    assert "14.01 น." in timeline and "14.05 น." in timeline
    recipients = page[page.index("ผู้รับการแจ้งเตือน") : page.index("ลำดับเหตุการณ์")]
    rows = recipients.split("<tr>")[2:]
    assert len(rows) == 3
    assert "นายสมมติ ตัวอย่างดี" in rows[0] and "28 พ.ย. 2569 14.01 น." in rows[0]
    assert rows[0].count("<td") == 4 and rows[0].rstrip().endswith("-</td>\n      </tr>")
    assert "นายทดลอง ใจสมมติ" in rows[1] and "28 พ.ย. 2569 14.05 น." in rows[1]


async def test_photos_are_shown_from_the_checked_route(site: Site):
    photo = make_png(12, 12, (1, 2, 3))
    reference = await site.add(Spec(photos=[photo]))
    browser = await site.client("GOV")

    page = (await browser.get(f"/incidents/{reference}", headers=HTML)).text
    image = await browser.get(f"/incidents/{reference}/files/1")

    assert f'<img src="/incidents/{reference}/files/1"' in page
    assert image.content == photo
    assert image.headers["content-disposition"].startswith("inline")


async def test_an_unknown_reference_is_not_found(site: Site):
    browser = await site.client("GOV")

    answer = await browser.get("/incidents/PCT-2569-9999", headers=HTML)

    assert answer.status_code == 404
    assert "ไม่พบข้อมูล" in answer.text


async def test_an_incident_without_a_location_says_so(site: Site):
    reference = await site.add(Spec())
    browser = await site.client("GOV")

    page = (await browser.get(f"/incidents/{reference}", headers=HTML)).text

    assert "<dt>พิกัด</dt>" in page and "ไม่ได้ระบุ" in page
    assert "google.com/maps" not in page


def timeline_of(page: str) -> str:
    """The timeline section of an incident page."""
    return page[page.index("ลำดับเหตุการณ์") :]


async def test_a_status_change_shows_the_new_status(site: Site):
    reference = await site.add(Spec())
    await change_status(site, reference, IncidentStatus.UNDER_CONTROL)
    browser = await site.client("GOV")

    page = (await browser.get(f"/incidents/{reference}", headers=HTML)).text

    assert "เปลี่ยนสถานะเป็น “ควบคุมสถานการณ์ได้แล้ว”" in timeline_of(page)


async def test_news_shows_its_photo_its_file_and_its_location(site: Site):
    photo = make_png(14, 14, (9, 9, 9))
    reference = await site.add(Spec(photos=[make_png(6, 6)]))
    await post_news(site, reference, text="ภาพล่าสุด ระดับน้ำลดลง", photo=photo)
    await post_news(site, reference, document=("รายงานสถานการณ์.pdf", b"%PDF-1.4 news"))
    await post_news(site, reference, location=(16.4501, 100.3522))
    browser = await site.client("GOV")

    page = (await browser.get(f"/incidents/{reference}", headers=HTML)).text
    served = await browser.get(f"/incidents/{reference}/files/2")

    timeline = timeline_of(page)
    assert "ภาพล่าสุด ระดับน้ำลดลง" in timeline
    assert (
        f'<a href="/incidents/{reference}/files/2"><img src="/incidents/{reference}/files/2"'
        in (timeline)
    )
    assert served.content == photo
    assert f'เอกสาร: <a href="/incidents/{reference}/files/3">รายงานสถานการณ์.pdf</a>' in timeline
    assert (
        'href="https://www.google.com/maps/search/?api=1&amp;query=16.450100,100.352200"'
        in timeline
    )
    assert "16.45010, 100.35220" in timeline
