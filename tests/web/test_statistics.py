"""Statistics: by month, district and category, and time to the first acknowledgement."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from incidents.records.filters import IncidentFilter, Viewer
from incidents.records.stats import statistics
from storage.models import Category
from tests.support.incidents import Spec
from tests.web.conftest import HTML, Site


def at(month: int, day: int = 10, hour: int = 3) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


async def sample(site: Site) -> None:
    """Ten incidents over three months; acknowledgement after 1..9 minutes (one never)."""
    plan = [
        (9, "6604", Category.FLOOD),
        (9, "6604", Category.FLOOD),
        (10, "6601", Category.FIRE),
        (10, "6604", Category.FLOOD),
        (10, "6605", Category.STORM),
        (11, "6601", Category.FLOOD),
        (11, "6601", Category.FIRE),
        (11, "6604", Category.FLOOD),
        (11, "6604", Category.UNREST),
        (11, "6605", Category.FLOOD),
    ]
    for index, (month, district, category) in enumerate(plan):
        await site.add(
            Spec(
                occurred_at=at(month),
                district=district,
                category=category,
                ack_after=timedelta(minutes=index) if index else None,
                acknowledged_by="GOV" if index else None,
            )
        )
    # 30 September 23:30 in Bangkok (16:30 UTC): counted in September, not October.
    await site.add(Spec(occurred_at=datetime(2026, 9, 30, 16, 30, tzinfo=UTC)))


async def test_counts_and_acknowledgement_times(site: Site):
    await sample(site)
    viewer = Viewer(1, "x", 1, "x", sees_all=True, is_admin=False)

    async with site.db.read() as session:
        figures = await statistics(session, viewer, IncidentFilter(), site.settings.tz)

    assert figures.total == 11
    assert [(c.key, c.count) for c in figures.by_month] == [
        ("2026-09", 3),
        ("2026-10", 3),
        ("2026-11", 5),
    ]
    assert (figures.by_district[0].key, figures.by_district[0].count) == ("ตะพานหิน", 6)
    assert {c.key: c.count for c in figures.by_category} == {
        "flood": 7,
        "fire": 2,
        "storm": 1,
        "unrest": 1,
    }
    assert figures.acknowledged == 9
    # Nearest rank over 1..9 minutes: the median is the 5th, the 90th percentile the 9th.
    assert figures.ack_median_s == 300
    assert figures.ack_p90_s == 540


async def test_the_page_draws_charts_without_script(site: Site):
    await sample(site)
    browser = await site.client("GOV")

    page = (await browser.get("/statistics", headers=HTML)).text

    assert "<script" not in page
    assert "ก.ย. 2569" in page and "ต.ค. 2569" in page and "พ.ย. 2569" in page
    assert "อ.ตะพานหิน" in page and "อุทกภัย" in page
    assert "5 นาที 0 วินาที" in page  # median
    assert "9 นาที 0 วินาที" in page  # 90th percentile
    widths = [float(w) for w in re.findall(r'<rect x="0" y="0" height="10" width="([\d.]+)"', page)]
    assert max(widths) == 100.0 and min(widths) > 0


async def test_the_filters_apply_to_the_statistics(site: Site):
    await sample(site)
    browser = await site.client("GOV")

    page = (await browser.get("/statistics?district=6601", headers=HTML)).text

    totals = re.search(r"เหตุการณ์ทั้งหมด</span><strong>(\d+)</strong>", page)
    assert totals and totals.group(1) == "3"


async def test_no_incidents_no_figures(site: Site):
    browser = await site.client("GOV")

    page = await browser.get("/statistics", headers=HTML)

    assert page.status_code == 200
    assert "ไม่มีข้อมูล" in page.text
