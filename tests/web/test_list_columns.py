"""The incident list shows, for each incident, whether an executive has acknowledged it and
its casualties, unknown figures said as unknown, never as zero."""

from __future__ import annotations

from datetime import timedelta

from tests.support.incidents import Spec
from tests.web.conftest import HTML, Site


def row_of(page: str, reference: str) -> str:
    return page.split(f">{reference}</a>", 1)[1].split("</tr>", 1)[0]


async def test_each_row_says_who_knows_and_how_many_were_hurt(site: Site):
    acked = await site.add(
        Spec(ack_after=timedelta(minutes=2), acknowledged_by="GOV", dead=1, injured=0)
    )
    waiting = await site.add(Spec(dead=None, injured=4))
    browser = await site.client("GOV")

    page = (await browser.get("/incidents", headers=HTML)).text

    assert "<th>รับทราบครั้งแรก</th><th>ผู้ประสบภัย</th>" in page
    first = row_of(page, acked)
    assert "ยังไม่มีผู้บริหารรับทราบ" not in first and "2569" in first
    assert "เสียชีวิต 1 · บาดเจ็บ 0 · สูญหาย ยังไม่ทราบ" in first
    second = row_of(page, waiting)
    assert "ยังไม่มีผู้บริหารรับทราบ" in second
    assert "เสียชีวิต ยังไม่ทราบ · บาดเจ็บ 4" in second
