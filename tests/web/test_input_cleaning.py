"""Control characters in anything a browser sends are cleaned away, as the bot cleans them."""

from __future__ import annotations

import logging

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from storage.models import AuditAction, AuditEvent
from tests.support.incidents import Spec
from tests.web.conftest import HTML, Site, csrf_of
from web.server import running

VICTIM = "นางสาวผู้ประสบภัย ทดสอบ"
# C0 controls (and DEL) other than the white space a browser may send in a field.
CONTROLS = ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f"]


async def test_a_search_with_a_nul_answers_and_logs_neither_the_text_nor_parameters(
    site: Site, caplog: pytest.LogCaptureFixture
):
    reference = await site.add(Spec(place=f"บ้าน{VICTIM} หมู่ 3"))
    caplog.set_level(logging.INFO)
    # The real server, so that whatever it would log about a failure is captured.
    async with (
        running(site.app, "127.0.0.1", 0) as url,
        httpx.AsyncClient(base_url=url) as browser,
    ):
        signed_in = await site.sign_in(browser, await site.link("GOV"))
        assert signed_in.status_code == 303
        answer = await browser.get("/incidents", params={"q": "ผู้ประสบ\x00ภัย"}, headers=HTML)

    assert answer.status_code == 200
    assert f'href="/incidents/{reference}"' in answer.text
    assert "ผู้ประสบภัย" not in caplog.text
    assert "ประสบ" not in caplog.text
    assert "parameters" not in caplog.text


@pytest.mark.parametrize("control", CONTROLS)
async def test_a_search_with_a_control_character_finds_what_the_rest_matches(
    site: Site, control: str
):
    reference = await site.add(Spec(place="บ้านวังหลุม หมู่ 3"))
    browser = await site.client("GOV")

    answer = await browser.get("/incidents", params={"q": f"วัง{control}หลุม"}, headers=HTML)

    assert answer.status_code == 200
    assert f'href="/incidents/{reference}"' in answer.text
    assert 'name="q" value="วังหลุม"' in answer.text


async def test_tabs_and_line_breaks_in_a_search_are_spaces(site: Site):
    reference = await site.add(Spec(place="บ้านวังหลุม หมู่ 3"))
    browser = await site.client("GOV")

    answer = await browser.get("/incidents", params={"q": "หลุม\t\r\nหมู่"}, headers=HTML)

    assert f'href="/incidents/{reference}"' in answer.text
    assert 'name="q" value="หลุม หมู่"' in answer.text


async def test_the_other_filters_statistics_and_exports_read_cleaned_values(site: Site):
    kept = await site.add(Spec(district="6604", place="ตะพานหิน"))
    dropped = await site.add(Spec(district="6605", reporter="D6605", place="บางมูลนาก"))
    browser = await site.client("GOV")
    asked = {"district": "66\x0004", "category": "flo\x1bod", "q": "ตะพาน\x00หิน"}

    listing = await browser.get("/incidents", params=asked, headers=HTML)
    statistics = await browser.get("/statistics", params=asked, headers=HTML)
    exported = await browser.get("/export.json", params=asked)

    assert kept in listing.text and dropped not in listing.text
    assert '<option value="6604" selected>' in listing.text
    assert '<option value="flood" selected>' in statistics.text
    assert [row["reference"] for row in exported.json()] == [kept]
    async with site.db.read() as session:
        filters = (
            await session.scalars(
                select(AuditEvent.detail).where(AuditEvent.action == AuditAction.WEB_EXPORTED)
            )
        ).all()
    assert filters == [
        {"format": "json", "filters": {"district": "6604", "category": "flood", "q": "ตะพานหิน"}}
    ]


async def test_an_address_with_a_control_character_opens_the_incident(site: Site):
    reference = await site.add(Spec(place="บ้านวังหลุม หมู่ 3"))
    browser = await site.client("GOV")

    answer = await browser.get(f"/incidents/{reference}%00", headers=HTML)

    assert answer.status_code == 200
    assert "บ้านวังหลุม หมู่ 3" in answer.text


async def test_the_audit_pages_filters_read_cleaned_values(site: Site):
    await site.add()
    admin = await site.client("ADMIN1")

    page = await admin.get("/audit", params={"action": "web.login\x00", "page": "1"}, headers=HTML)

    assert page.status_code == 200
    assert '<option value="web.login" selected>' in page.text


async def test_the_sign_in_form_reads_cleaned_values(site: Site):
    browser = site.anonymous()
    link = await site.link("GOV")
    confirm = await browser.get(link, headers=HTML)
    token = link.rsplit("/", 1)[1]

    answer = await browser.post(
        "/login",
        data={"token": f"\x00{token}\x1f", "csrf": f"{csrf_of(confirm.text)}\x7f"},
        headers=HTML,
    )

    assert answer.status_code == 303
    assert answer.headers["location"] == "/situation"


async def test_a_database_error_carries_no_parameter_values(
    site: Site, caplog: pytest.LogCaptureFixture
):
    with pytest.raises(DBAPIError) as failure:
        async with site.db.read() as session:
            await session.execute(
                text("SELECT missing_column FROM incident WHERE place = :place"),
                {"place": VICTIM},
            )
    logging.getLogger("test").error("failed", exc_info=failure.value)

    assert VICTIM not in str(failure.value)
    assert VICTIM not in caplog.text
    assert "[parameters:" not in caplog.text
