"""The web log's pages as core use cases: each reads through the viewer's visibility and
writes down what was seen, or what was refused, itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from incidents.core import Core
from incidents.records import browsing
from incidents.records.filters import IncidentFilter
from storage.models import AuditAction, Category, EventKind
from tests.incidents.records.conftest import ADDRESS, add, trail, viewer
from tests.support.incidents import Spec


async def test_a_reporter_lists_only_their_agencys_incidents_and_the_view_is_audited(core: Core):
    own = await add(core, Spec(reporter="D6604"))
    await add(core, Spec(reporter="D6601", district="6601"))
    reporter = await viewer(core, "D6604")
    wanted = IncidentFilter(category=Category.FLOOD)

    listing = await browsing.incident_list(core, reporter, wanted, ADDRESS)

    assert [row.reference for row in listing.page.rows] == [own]
    assert [d.code for d in listing.districts][:2] == ["6601", "6602"]
    [row] = await trail(core)
    assert row.action is AuditAction.WEB_LIST_VIEWED
    assert (row.actor_person_id, row.source) == (reporter.person_id, ADDRESS)
    assert row.detail == {"filters": {"category": "flood"}, "shown": 1}


async def test_an_executive_sees_an_incidents_timeline_and_recipients_and_the_view_is_kept(
    core: Core,
):
    reference = await add(
        core, Spec(recipients=["GOV"], acknowledged_by="GOV", ack_after=timedelta(minutes=3))
    )
    governor = await viewer(core, "GOV")

    detail = await browsing.incident_page(core, governor, reference, ADDRESS)

    assert detail is not None
    assert detail.incident.reference == reference
    assert [e.kind for e in detail.timeline] == [EventKind.FILED, EventKind.ACKNOWLEDGED]
    assert [r.name for r in detail.recipients] == ["นายสมมติ ตัวอย่างดี"]
    [row] = await trail(core)
    assert (row.action, row.subject_type, row.subject_id) == (
        AuditAction.WEB_INCIDENT_VIEWED,
        "incident",
        reference,
    )


async def test_a_reporter_of_another_agency_learns_nothing_and_the_refusal_is_audited(
    core: Core,
):
    reference = await add(core, Spec(reporter="D6604"))
    other = await viewer(core, "D6601")

    assert await browsing.incident_page(core, other, reference, ADDRESS) is None
    assert await browsing.incident_page(core, other, "PCT-2569-9999", ADDRESS) is None

    rows = await trail(core)
    assert [(r.action, r.subject_id) for r in rows] == [
        (AuditAction.WEB_ACCESS_REFUSED, reference),
        (AuditAction.WEB_ACCESS_REFUSED, "PCT-2569-9999"),
    ]


async def test_a_reporter_alerted_as_a_recipient_may_see_another_agencys_incident(core: Core):
    reference = await add(core, Spec(reporter="D6604", escalated=["D6601"]))
    alerted = await viewer(core, "D6601")

    assert await browsing.incident_page(core, alerted, reference, ADDRESS) is not None


async def test_statistics_count_what_the_viewer_may_see_and_are_audited(core: Core):
    november = datetime(2026, 11, 10, 3, tzinfo=UTC)
    await add(core, Spec(reporter="D6604", occurred_at=november))
    await add(core, Spec(reporter="D6604", occurred_at=november, category=Category.FIRE))
    await add(core, Spec(reporter="D6601", district="6601", occurred_at=november))

    mine = await browsing.statistics_page(core, await viewer(core, "D6604"), IncidentFilter(), "")
    everything = await browsing.statistics_page(
        core, await viewer(core, "GOV"), IncidentFilter(district="6601"), ADDRESS
    )

    assert mine.statistics.total == 2
    assert {c.key: c.count for c in mine.statistics.by_category} == {"flood": 1, "fire": 1}
    assert everything.statistics.total == 1
    assert len(everything.districts) == 12
    rows = await trail(core)
    assert [r.action for r in rows] == [AuditAction.WEB_STATISTICS_VIEWED] * 2
    assert rows[1].detail == {"filters": {"district": "6601"}}
