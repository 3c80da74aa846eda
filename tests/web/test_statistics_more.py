"""The statistics' war-room additions: open and closed counts, casualty totals with unknown
kept apart, and each urgency's acknowledgements against its deadline."""

from __future__ import annotations

from datetime import timedelta

from incidents.records.filters import IncidentFilter, Viewer
from incidents.records.stats import statistics
from storage.models import IncidentStatus, Urgency
from tests.support.incidents import Spec
from tests.web.conftest import HTML, Site

DEADLINES = {
    Urgency.MOST_URGENT: timedelta(minutes=5),
    Urgency.VERY_URGENT: timedelta(minutes=15),
    Urgency.URGENT: timedelta(minutes=30),
}


async def test_open_closed_casualties_and_acknowledgement_against_the_deadline(site: Site):
    # Most urgent: acknowledged after 2 and after 9 minutes (one within its 5), one waiting.
    for after in (timedelta(minutes=2), timedelta(minutes=9), None):
        await site.add(
            Spec(
                urgency=Urgency.MOST_URGENT,
                ack_after=after,
                acknowledged_by="GOV" if after else None,
                dead=1 if after else None,
                injured=2,
            )
        )
    await site.add(Spec(urgency=Urgency.URGENT, status=IncidentStatus.CLOSED, dead=0))
    viewer = Viewer(1, "x", 1, "x", sees_all=True, is_admin=False)

    async with site.db.read() as session:
        s = await statistics(session, viewer, IncidentFilter(), site.settings.tz, DEADLINES)

    assert (s.open, s.closed) == (3, 1)
    assert s.casualties is not None
    assert (s.casualties.figures["dead"].total, s.casualties.figures["dead"].unknown) == (2, 1)
    assert (s.casualties.figures["injured"].total, s.casualties.figures["injured"].unknown) == (
        6,
        1,
    )
    most = next(u for u in s.by_urgency if u.urgency is Urgency.MOST_URGENT)
    assert (most.total, most.acknowledged, most.within_deadline) == (3, 2, 1)
    assert most.deadline_s == 300 and most.median_s is not None
    urgent = next(u for u in s.by_urgency if u.urgency is Urgency.URGENT)
    assert (urgent.total, urgent.acknowledged, urgent.median_s) == (1, 0, None)

    page = (await (await site.client("GOV")).get("/statistics", headers=HTML)).text
    assert "<span>ยังเปิดอยู่</span><strong>3</strong>" in page
    assert "<span>ปิดแล้ว</span><strong>1</strong>" in page
    assert "การรับทราบตามความเร่งด่วน เทียบกับเวลาที่กำหนด" in page
    assert "ไม่ทราบ 1 เหตุ" in page
