"""Exports: CSV that Excel opens with Thai intact, JSON, and CAP 1.2 valid against the schema."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree

import pytest
import xmlschema
from sqlalchemy import event

from incidents.records import queries
from storage.models import Category, IncidentStatus, Urgency
from tests.support.incidents import Spec
from tests.web.conftest import Site
from tests.web.thread import acknowledge, close, instruct

CAP_SCHEMA = xmlschema.XMLSchema(Path(__file__).parent / "data" / "CAP-v1.2.xsd")
CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"


async def test_csv_has_a_bom_thai_headers_and_thai_values(site: Site):
    await site.add(
        Spec(
            occurred_at=datetime(2026, 11, 28, 7, 5, tzinfo=UTC),
            place="บ้านวังหลุม หมู่ 3",
            description="น้ำท่วม, สูง 80 ซม.\nกำลังอพยพ",
            injured=2,
        )
    )
    browser = await site.client("GOV")

    answer = await browser.get("/export.csv")

    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.headers["content-disposition"].startswith('attachment; filename="incidents-')
    assert answer.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    header, row = rows
    record = dict(zip(header, row, strict=True))
    assert record["เลขที่"] == "PCT-2569-0001"
    assert record["เวลาเกิดเหตุ"] == "28 พ.ย. 2569 14.05 น."
    assert record["ประเภท"] == "อุทกภัย"
    assert record["ความเร่งด่วน"] == "ด่วนที่สุด"
    assert record["อำเภอ"] == "ตะพานหิน"
    assert record["รายละเอียด"] == "น้ำท่วม, สูง 80 ซม.\nกำลังอพยพ"
    assert record["บาดเจ็บ"] == "2"
    assert record["เสียชีวิต"] == ""  # unknown, not zero
    assert record["สถานะ"] == "แจ้งแล้ว รอรับทราบ"


async def test_csv_export_follows_the_filters_and_the_sort(site: Site):
    for day, category in ((1, Category.FLOOD), (2, Category.FIRE), (3, Category.FLOOD)):
        await site.add(Spec(occurred_at=datetime(2026, 11, day, tzinfo=UTC), category=category))
    browser = await site.client("GOV")

    answer = await browser.get("/export.csv?category=flood&sort=occurred&order=asc")

    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))[1:]
    assert [r[0] for r in rows] == ["PCT-2569-0001", "PCT-2569-0003"]


async def test_csv_cells_that_look_like_formulas_stay_text(site: Site):
    await site.add(Spec(place='=HYPERLINK("http://evil.example")', description="+1+2"))
    browser = await site.client("GOV")

    answer = await browser.get("/export.csv")

    row = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))[1]
    assert '\'=HYPERLINK("http://evil.example")' in row
    assert "'+1+2" in row


def csv_records(answer) -> list[dict[str, str]]:
    """The CSV's rows by column name."""
    header, *rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    return [dict(zip(header, row, strict=True)) for row in rows]


async def instructed_and_closed(site: Site) -> str:
    """An incident with two instructions (the first acknowledged), closed with a summary."""
    reference = await site.add(
        Spec(
            occurred_at=datetime(2026, 11, 28, 6, 50, tzinfo=UTC),
            recipients=["GOV", "DGOV1"],
            ack_after=timedelta(minutes=2),
            acknowledged_by="GOV",
        )
    )
    first = await instruct(site, reference, "ให้ประสาน ปภ. จัดเรือท้องแบน 2 ลำ")
    site.clock.advance(timedelta(minutes=3))
    await acknowledge(site, first)
    site.clock.advance(timedelta(minutes=2))
    await instruct(site, reference, "รายงานทุก 1 ชั่วโมง", roster_id="DGOV1")
    site.clock.advance(timedelta(minutes=30))
    await close(site, reference, "=น้ำลดแล้ว ประชาชนกลับเข้าบ้านได้")
    return reference


async def test_csv_has_an_iso_column_beside_each_thai_date(site: Site):
    await instructed_and_closed(site)
    browser = await site.client("GOV")

    answer = await browser.get("/export.csv")

    header = next(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    [record] = csv_records(answer)
    for thai in ("เวลาเกิดเหตุ", "เวลารับแจ้ง", "เวลารับทราบครั้งแรก", "เวลาปิดเหตุการณ์"):
        assert header[header.index(thai) + 1] == f"{thai} (ISO 8601)"
    assert record["เวลาเกิดเหตุ"] == "28 พ.ย. 2569 13.50 น."
    assert record["เวลาเกิดเหตุ (ISO 8601)"] == "2026-11-28T13:50:00+07:00"
    assert record["เวลารับแจ้ง (ISO 8601)"] == "2026-11-28T13:51:00+07:00"
    assert record["เวลารับทราบครั้งแรก (ISO 8601)"] == "2026-11-28T13:53:00+07:00"
    assert record["เวลาปิดเหตุการณ์ (ISO 8601)"] == "2026-11-28T14:35:00+07:00"


async def test_csv_carries_the_instructions_and_the_closing(site: Site):
    await instructed_and_closed(site)
    await site.add(Spec())  # nothing instructed, still open
    browser = await site.client("GOV")

    answer = await browser.get("/export.csv?sort=reference&order=asc")

    assert answer.content.startswith(b"\xef\xbb\xbf")
    closed, still_open = csv_records(answer)
    assert closed["ข้อสั่งการ"] == (
        "28 พ.ย. 2569 14.00 น. นายสมมติ ตัวอย่างดี: ให้ประสาน ปภ. จัดเรือท้องแบน 2 ลำ "
        "(รับทราบแล้ว 28 พ.ย. 2569 14.03 น.)\n"
        "28 พ.ย. 2569 14.05 น. นายทดลอง ใจสมมติ: รายงานทุก 1 ชั่วโมง (ยังไม่รับทราบ)"
    )
    assert closed["ผู้ปิดเหตุการณ์"] == "นายสมมติ ตัวอย่างดี"
    assert closed["สรุปการปิดเหตุการณ์"] == "'=น้ำลดแล้ว ประชาชนกลับเข้าบ้านได้"  # kept as text
    assert closed["เวลาปิดเหตุการณ์"] == "28 พ.ย. 2569 14.35 น."
    assert still_open["ข้อสั่งการ"] == still_open["สรุปการปิดเหตุการณ์"] == ""


async def test_json_carries_the_instructions_and_the_closing(site: Site):
    await instructed_and_closed(site)
    browser = await site.client("GOV")

    [item] = (await browser.get("/export.json")).json()

    assert item["instructions"] == [
        {
            "text": "ให้ประสาน ปภ. จัดเรือท้องแบน 2 ลำ",
            "author": "นายสมมติ ตัวอย่างดี",
            "at": "2026-11-28T07:00:00Z",
            "acknowledged_at": "2026-11-28T07:03:00Z",
        },
        {
            "text": "รายงานทุก 1 ชั่วโมง",
            "author": "นายทดลอง ใจสมมติ",
            "at": "2026-11-28T07:05:00Z",
            "acknowledged_at": None,
        },
    ]
    assert item["closed_by"] == "นายสมมติ ตัวอย่างดี"
    assert item["close_summary"] == "=น้ำลดแล้ว ประชาชนกลับเข้าบ้านได้"
    assert item["closed_at"] == "2026-11-28T07:35:00Z"


@pytest.mark.parametrize(("batch", "reads"), [(500, 1), (2, 3)])
async def test_exports_read_instructions_once_per_batch_not_per_row(
    site: Site, monkeypatch: pytest.MonkeyPatch, batch: int, reads: int
):
    for _ in range(5):
        reference = await site.add(Spec(recipients=["GOV"]))
        await instruct(site, reference, "ให้รายงานความคืบหน้า")
    browser = await site.client("GOV")
    monkeypatch.setattr(queries, "EXPORT_BATCH", batch)
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(site.db.engine.sync_engine, "before_cursor_execute", seen)
    try:
        answer = await browser.get("/export.csv")
    finally:
        event.remove(site.db.engine.sync_engine, "before_cursor_execute", seen)

    assert len(csv_records(answer)) == 5
    assert all(r["ข้อสั่งการ"].endswith("ให้รายงานความคืบหน้า (ยังไม่รับทราบ)") for r in csv_records(answer))
    assert sum("FROM instruction" in s for s in statements) == reads


async def test_json_export_carries_machine_values(site: Site):
    await site.add(
        Spec(
            occurred_at=datetime(2026, 11, 28, 7, 5, tzinfo=UTC),
            ack_after=timedelta(minutes=2),
            acknowledged_by="GOV",
            latitude=16.4,
            longitude=100.3,
        )
    )
    browser = await site.client("GOV")

    answer = await browser.get("/export.json")

    assert answer.headers["content-type"] == "application/json"
    [item] = answer.json()
    assert item["reference"] == "PCT-2569-0001"
    assert item["occurred_at"] == "2026-11-28T07:05:00Z"
    assert item["category"] == "flood"
    assert item["urgency"] == "most_urgent"
    assert item["district_code"] == "6604"
    assert item["district"] == "ตะพานหิน"
    assert item["acknowledged_by"] == "นายสมมติ ตัวอย่างดี"
    assert item["dead"] is None
    assert item["latitude"] == 16.4


async def test_an_empty_export_is_still_well_formed(site: Site):
    browser = await site.client("GOV")

    assert (await browser.get("/export.json")).json() == []
    csv_text = (await browser.get("/export.csv")).content.decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(csv_text)))) == 1


@pytest.mark.parametrize(
    "spec",
    [
        Spec(),
        Spec(
            category=Category.WILDFIRE_HAZE,
            urgency=Urgency.URGENT,
            latitude=16.4419,
            longitude=100.3488,
            dead=1,
            injured=4,
            ddpm_level=3,
            damage_note="บ้าน 3 หลัง",
        ),
        Spec(category=Category.HAZMAT, status=IncidentStatus.CLOSED, description="สาร\x0bเคมี <&>"),
        Spec(category=Category.MEDIA, urgency=Urgency.VERY_URGENT, place="x" * 500),
    ],
)
async def test_cap_export_is_valid_cap_1_2(site: Site, spec: Spec):
    site.set_rules(public_base_url="https://incident.example.go.th")
    reference = await site.add(spec)
    browser = await site.client("GOV")

    answer = await browser.get(f"/incidents/{reference}/cap.xml")

    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/cap+xml"
    CAP_SCHEMA.validate(answer.content)  # raises with the reason when invalid
    tree = ElementTree.fromstring(answer.content)
    assert tree.findtext(f"{CAP}identifier") == reference
    assert tree.findtext(f"{CAP}sender") == "incident.example.go.th"
    info = tree.find(f"{CAP}info")
    assert info.findtext(f"{CAP}language") == "th-TH"
    assert info.findtext(f"{CAP}web") == f"https://incident.example.go.th/incidents/{reference}"


async def test_cap_maps_categories_urgency_severity_and_the_location(site: Site):
    reference = await site.add(
        Spec(
            category=Category.WILDFIRE_HAZE,
            urgency=Urgency.URGENT,
            occurred_at=datetime(2026, 11, 28, 7, 5, 33, 123456, tzinfo=UTC),
            latitude=16.4419,
            longitude=100.3488,
            dead=1,
        )
    )
    browser = await site.client("GOV")

    body = (await browser.get(f"/incidents/{reference}/cap.xml")).content

    CAP_SCHEMA.validate(body)
    info = ElementTree.fromstring(body).find(f"{CAP}info")
    assert [c.text for c in info.findall(f"{CAP}category")] == ["Fire", "Env"]
    assert info.findtext(f"{CAP}event") == "ไฟป่า/หมอกควัน"
    assert info.findtext(f"{CAP}urgency") == "Future"
    assert info.findtext(f"{CAP}severity") == "Severe"  # a death raises "Minor" to Severe
    assert info.findtext(f"{CAP}certainty") == "Observed"
    assert info.findtext(f"{CAP}onset") == "2026-11-28T14:05:33+07:00"
    area = info.find(f"{CAP}area")
    assert area.findtext(f"{CAP}circle") == "16.441900,100.348800 0"
    assert area.findtext(f"{CAP}geocode/{CAP}valueName") == "DOPA"
    assert area.findtext(f"{CAP}geocode/{CAP}value") == "6604"
