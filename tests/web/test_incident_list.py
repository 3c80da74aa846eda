"""The incident list: filters, Thai substring search, sorting and pagination."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from storage.models import Category, IncidentStatus, Urgency
from tests.support.incidents import Spec
from tests.web.conftest import HTML, Site

REFERENCE_RE = re.compile(r'href="/incidents/(PCT-\d{4}-\d{4})"')


def at(day: int, hour: int = 3) -> datetime:
    """A UTC time in November 2026 (10:00 in Bangkok at hour 3)."""
    return datetime(2026, 11, day, hour, 0, tzinfo=UTC)


async def shown(browser, query: str = "") -> list[str]:
    """The references the list shows, in order."""
    answer = await browser.get(f"/incidents{query}", headers=HTML)
    assert answer.status_code == 200, answer.text
    return REFERENCE_RE.findall(answer.text)


async def sample(site: Site) -> dict[str, str]:
    """Four different incidents, keyed by a nickname."""
    return {
        "flood": await site.add(
            Spec(
                occurred_at=at(1),
                place="บ้านวังหลุม ริมแม่น้ำน่าน",
                description="น้ำล้นตลิ่งเข้าท่วมบ้านเรือน",
            )
        ),
        "fire": await site.add(
            Spec(
                occurred_at=at(10),
                category=Category.FIRE,
                urgency=Urgency.URGENT,
                district="6601",
                reporter="D6601",
                place="ตลาดสดเทศบาลเมืองพิจิตร",
                description="ไฟไหม้แผงค้าในตลาด 5 แผง",
                status=IncidentStatus.RESOLVED,
            )
        ),
        "crime": await site.add(
            Spec(
                occurred_at=at(20),
                category=Category.SERIOUS_CRIME,
                urgency=Urgency.VERY_URGENT,
                district="6605",
                reporter="A-POL",
                place="ถนนสายบางมูลนาก-ตะพานหิน",
                description="เหตุชิงทรัพย์ร้านทอง 100% ของสินค้า_ถูกขโมย",
            )
        ),
        # 23:30 in Bangkok on 27 November is still the 27th there (16:30 UTC).
        "late": await site.add(
            Spec(occurred_at=datetime(2026, 11, 27, 16, 30, tzinfo=UTC), place="บ้านดงป่าคำ")
        ),
    }


async def test_the_list_shows_the_newest_first_with_thai_dates(site: Site):
    refs = await sample(site)
    browser = await site.client("GOV")

    answer = await browser.get("/incidents", headers=HTML)

    assert REFERENCE_RE.findall(answer.text) == [
        refs["late"],
        refs["crime"],
        refs["fire"],
        refs["flood"],
    ]
    assert "20 พ.ย. 2569 10.00 น." in answer.text
    assert "27 พ.ย. 2569 23.30 น." in answer.text
    assert "พบ <strong>4</strong> เหตุการณ์" in answer.text


async def test_each_filter_narrows_the_list(site: Site):
    refs = await sample(site)
    browser = await site.client("GOV")

    assert await shown(browser, "?district=6601") == [refs["fire"]]
    assert await shown(browser, "?category=serious_crime") == [refs["crime"]]
    assert await shown(browser, "?urgency=urgent") == [refs["fire"]]
    assert await shown(browser, "?status=resolved") == [refs["fire"]]
    assert await shown(browser, "?status=reported&urgency=most_urgent") == [
        refs["late"],
        refs["flood"],
    ]


async def test_the_date_range_is_in_local_days_and_inclusive(site: Site):
    refs = await sample(site)
    browser = await site.client("GOV")

    assert await shown(browser, "?date_from=2026-11-10&date_to=2026-11-20") == [
        refs["crime"],
        refs["fire"],
    ]
    assert await shown(browser, "?date_from=2026-11-27&date_to=2026-11-27") == [refs["late"]]
    assert await shown(browser, "?date_to=2026-11-01") == [refs["flood"]]


@pytest.mark.parametrize(
    ("date_from", "date_to"),
    [
        ("10/11/2569", "20/11/2569"),  # day/month/Buddhist Era year, as Thai officials write
        ("10/11/2026", "20/11/2026"),  # the same days with a Christian Era year
        ("๑๐/๑๑/๒๕๖๙", "20/11/2569"),  # Thai digits
        ("2026-11-10", "2026-11-20"),  # ISO, as links made before Thai entry carry them
    ],
)
async def test_days_are_typed_the_thai_way_or_come_from_old_links(
    site: Site, date_from: str, date_to: str
):
    refs = await sample(site)
    browser = await site.client("GOV")

    answer = await browser.get(
        "/incidents", params={"date_from": date_from, "date_to": date_to}, headers=HTML
    )

    assert REFERENCE_RE.findall(answer.text) == [refs["crime"], refs["fire"]]
    assert 'name="date_from" value="10/11/2569" placeholder="เช่น 1/11/2569"' in answer.text
    assert 'name="date_to" value="20/11/2569"' in answer.text
    assert 'type="date"' not in answer.text
    assert "ระบบอ่านวันที่" not in answer.text
    # Links (pages, exports) carry ISO days, which every older link used too.
    assert "/export.csv?date_from=2026-11-10&amp;date_to=2026-11-20" in answer.text


@pytest.mark.parametrize("typed", ["31/2/2569", "1/11", "พรุ่งนี้", "1/11/1500", "9999-12-31"])
async def test_a_day_that_cannot_be_read_is_dropped_with_a_polite_note(site: Site, typed: str):
    refs = await sample(site)
    browser = await site.client("GOV")

    listing = await browser.get(
        "/incidents", params={"date_from": typed, "date_to": "20/11/2569"}, headers=HTML
    )
    statistics = await browser.get("/statistics", params={"date_to": typed}, headers=HTML)

    assert listing.status_code == statistics.status_code == 200
    assert sorted(REFERENCE_RE.findall(listing.text)) == sorted(
        [refs["flood"], refs["fire"], refs["crime"]]
    )
    assert f"ขออภัย ระบบอ่านวันที่ “{typed}” ในช่อง “ตั้งแต่วันที่” ไม่ได้ จึงแสดงผลโดยไม่ใช้เงื่อนไขนี้" in listing.text
    assert "กรุณากรอกเป็น วัน/เดือน/ปี พ.ศ. เช่น 1/11/2569" in listing.text
    assert "ในช่อง “ถึงวันที่” ไม่ได้" in statistics.text


async def test_free_text_matches_thai_substrings_without_spaces(site: Site):
    refs = await sample(site)
    browser = await site.client("GOV")

    # Inside a word: Thai is written without spaces between words.
    assert await shown(browser, "?q=ล้นตลิ่ง") == [refs["flood"]]
    assert await shown(browser, "?q=แผงค้า") == [refs["fire"]]
    assert await shown(browser, "?q=สดเทศ") == [refs["fire"]]  # place, mid-word
    assert await shown(browser, "?q=ดงป่า") == [refs["late"]]
    # The reference, the reporter and the agency are searched too (reference case-blind).
    assert await shown(browser, f"?q={refs['fire'][-4:]}") == [refs["fire"]]
    assert await shown(browser, "?q=pct-2569-0003") == [refs["crime"]]
    assert await shown(browser, "?q=ตำรวจภูธร") == [refs["crime"]]
    assert await shown(browser, "?q=ไม่มีคำนี้") == []


async def test_like_wildcards_in_the_search_are_taken_literally(site: Site):
    refs = await sample(site)
    browser = await site.client("GOV")

    assert await shown(browser, "?q=100%25") == [refs["crime"]]
    assert await shown(browser, "?q=%25") == [refs["crime"]]
    assert await shown(browser, "?q=_") == [refs["crime"]]
    assert await shown(browser, "?q=%5C") == []  # a backslash


async def test_sorting_by_each_column_both_ways(site: Site):
    refs = await sample(site)
    browser = await site.client("GOV")

    assert await shown(browser, "?sort=occurred&order=asc") == [
        refs["flood"],
        refs["fire"],
        refs["crime"],
        refs["late"],
    ]
    most_first = await shown(browser, "?sort=urgency&order=asc")
    assert most_first[-1] == refs["fire"]  # ด่วน comes after ด่วนมาก and ด่วนที่สุด
    assert most_first[-2] == refs["crime"]
    assert (await shown(browser, "?sort=district&order=asc"))[0] == refs["fire"]  # 6601
    assert await shown(browser, "?sort=reference&order=asc") == sorted(refs.values())
    assert (await shown(browser, "?sort=status&order=desc"))[0] == refs["fire"]


async def test_pagination_keeps_the_filters(site: Site):
    for day in range(1, 31):
        await site.add(Spec(occurred_at=at(day), place=f"จุดที่ {day}"))
    await site.add(Spec(occurred_at=at(15), category=Category.FIRE, place="อื่น"))
    browser = await site.client("GOV")

    first = await browser.get("/incidents?category=flood", headers=HTML)
    second = await shown(browser, "?category=flood&page=2")
    beyond = await shown(browser, "?category=flood&page=99")

    assert "พบ <strong>30</strong> เหตุการณ์ · หน้า 1 จาก 2" in first.text
    assert 'href="/incidents?category=flood&amp;page=2"' in first.text
    assert len(REFERENCE_RE.findall(first.text)) == 25
    assert len(second) == 5
    assert beyond == second  # past the end: the last page


async def test_invalid_filter_values_are_ignored_not_errors(site: Site):
    refs = await sample(site)
    browser = await site.client("GOV")

    everything = await shown(
        browser, "?district=x&category=volcano&date_from=2569-13-45&page=-3&sort=evil&order=up"
    )
    assert sorted(everything) == sorted(refs.values())
    long_query = await browser.get("/incidents?q=" + "ก" * 500, headers=HTML)
    assert long_query.status_code == 200


async def test_the_filter_form_keeps_the_chosen_values(site: Site):
    await sample(site)
    browser = await site.client("GOV")

    answer = await browser.get("/incidents?district=6605&q=ทอง&urgency=very_urgent", headers=HTML)

    assert '<option value="6605" selected>บางมูลนาก</option>' in answer.text
    assert '<option value="very_urgent" selected>ด่วนมาก</option>' in answer.text
    assert 'value="ทอง"' in answer.text
    assert "/export.csv?district=6605&amp;urgency=very_urgent&amp;q=" in answer.text


async def test_old_incidents_appear_with_buddhist_era_years(site: Site):
    await site.add(Spec(occurred_at=at(1) - timedelta(days=400)))
    browser = await site.client("GOV")

    answer = await browser.get("/incidents", headers=HTML)

    assert "27 ก.ย. 2568 10.00 น." in answer.text


async def test_sqlite_searches_through_the_trigram_index_kept_in_step(site: Site):
    from sqlalchemy import select, text, update

    from incidents.records.filters import IncidentFilter, TextSearch
    from incidents.records.queries import text_search
    from storage.models import Incident

    refs = await sample(site)
    browser = await site.client("GOV")
    async with site.db.read() as session:
        search = await text_search(session)
    if site.db.is_sqlite:
        assert search is TextSearch.TRIGRAM
    else:
        # Migration 0012 created pg_trgm and its index, and the search's expression is the
        # index's: the planner, told not to read the table, reads the index.
        assert search is TextSearch.PG_TRIGRAM
        conditions = IncidentFilter(q="ล้นตลิ่ง").conditions(site.core.rules.tz, search)
        query = select(Incident.id).where(*conditions)
        async with site.db.read() as session:
            await session.execute(text("SET LOCAL enable_seqscan = off"))
            compiled = query.compile(session.bind, compile_kwargs={"literal_binds": True})
            plan = (await session.scalars(text(f"EXPLAIN {compiled}"))).all()
        assert any("ix_incident_text_trgm" in line for line in plan), plan

    # An edited place is found by its new text and no longer by its old one.
    async with site.db.write() as session:
        await session.execute(
            update(Incident)
            .where(Incident.reference == refs["late"])
            .values(place="หนองน้ำใหญ่ริมทาง")
        )
    assert await shown(browser, "?q=น้ำใหญ่") == [refs["late"]]
    assert await shown(browser, "?q=ดงป่า") == []

    if site.db.is_sqlite:
        # Without the index (FTS5 not compiled in) the same searches read every row.
        async with site.db.write() as session:
            await session.execute(text("DROP TABLE incident_text"))
            assert await text_search(session) is TextSearch.SCAN
            assert (await session.scalar(select(Incident.id).limit(1))) is not None
        assert await shown(browser, "?q=ล้นตลิ่ง") == [refs["flood"]]
        assert await shown(browser, "?q=pct-2569-0003") == [refs["crime"]]
