"""The web log's words: no doubled word where a label meets a value, and the same word for the
same thing on its pages, in its exports and in the bot."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import UTC, datetime

from incidents.records.exports import CSV_HEADER, ExportedIncident
from incidents.reports.view import ReportView
from incidents.text.report import summary_lines
from incidents.text.web import FIELD_LABELS
from storage.models import Category, IncidentStatus, Urgency
from tests.fakes import make_png
from tests.support.incidents import Spec
from tests.web.conftest import HTML, Site
from tests.web.thread import change_status, close, instruct, post_news

# Words Thai writes once: met twice in a row, a label ran into a value starting with it.
DOUBLED = re.compile(r"(ที่|การ|ของ|และ|ใน|ให้|ได้|แล้ว|เหตุ)\1")


def visible_text(page: str) -> str:
    """What a reader sees: tags are breaks between words, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


async def test_no_page_doubles_a_word_even_for_an_agency_named_ที่(site: Site):
    # District offices are named ที่ว่าการอำเภอ…: every sentence ending in the agency's name.
    reference = await site.add(Spec(recipients=["GOV"], photos=[make_png(4, 4)]))
    await post_news(site, reference, text="ระดับน้ำลดลง", location=(16.45, 100.35))
    await change_status(site, reference, IncidentStatus.UNDER_CONTROL)
    await instruct(site, reference, "ให้รายงานทุกชั่วโมง")
    await close(site, reference, "สถานการณ์คลี่คลาย")
    reporter = await site.client("D6604")
    admin = await site.client("SNJ")
    pages = {
        path: (await reporter.get(path, headers=HTML)).text
        for path in (
            "/incidents",
            f"/incidents/{reference}",
            "/statistics",
            "/incidents?date_from=31/2/2569",
            "/incidents/PCT-2569-9999",
        )
    }
    pages["/audit"] = (await admin.get("/audit", headers=HTML)).text
    pages["/login"] = (await site.anonymous().get("/login", headers=HTML)).text

    doubled = {path: DOUBLED.findall(visible_text(page)) for path, page in pages.items()}

    assert doubled == {path: [] for path in pages}
    assert "ที่ว่าการอำเภอตะพานหิน" in visible_text(pages["/incidents"])


async def test_csv_columns_and_page_labels_are_the_catalogues_words(site: Site):
    reference = await site.add(Spec())
    browser = await site.client("GOV")

    page = (await browser.get(f"/incidents/{reference}", headers=HTML)).text
    exported = (await browser.get("/export.csv")).content.decode("utf-8-sig")

    header = next(csv.reader(io.StringIO(exported)))
    assert tuple(header) == CSV_HEADER
    for name in ("occurred_at", "place", "dead", "injured", "missing", "damage_note", "agency"):
        assert f"<dt>{FIELD_LABELS[name]}</dt>" in page, name
        assert FIELD_LABELS[name] in header, name


def test_every_exported_field_has_a_column_label():
    assert set(ExportedIncident.model_fields) <= set(FIELD_LABELS)


def test_the_page_and_the_bots_review_name_the_fields_alike():
    view = ReportView(
        category=Category.FLOOD,
        urgency=Urgency.URGENT,
        ddpm_level=None,
        ddpm_applies=True,
        district_name="ตะพานหิน",
        place="บ้านวังหลุม",
        latitude=16.4,
        longitude=100.3,
        occurred_at=datetime(2026, 11, 28, 7, 0, tzinfo=UTC),
        description="น้ำท่วม",
        dead=1,
        injured=2,
        missing=None,
        households=None,
        impact_answered=True,
        damage_note="ถนนขาด",
        attachment_count=0,
    )

    review = "\n".join(line.plain() for line in summary_lines(view, UTC))

    for name in (
        "category",
        "ddpm_level",
        "district",
        "place",
        "location",
        "occurred_at",
        "dead",
        "injured",
        "missing",
        "affected_households",
        "damage_note",
    ):
        assert FIELD_LABELS[name] in review, name
