"""Exports: CSV that Excel opens with Thai intact, JSON, and CAP 1.2 valid against the schema."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree

import pytest
import xmlschema

from storage.models import Category, IncidentStatus, Urgency
from tests.support.incidents import Spec
from tests.web.conftest import Site

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
    site.settings.public_base_url = "https://incident.example.go.th"
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
