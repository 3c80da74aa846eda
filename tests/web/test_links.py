"""Related incidents on the web log: the incident page's section, its link form's access rules
(executives and admins only, CSRF, nothing of another agency), the timeline, and statistics
that count a linked pair once."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from incidents.records.filters import IncidentFilter, LinkedCount, Viewer
from incidents.records.stats import statistics
from storage.models import (
    AuditAction,
    AuditEvent,
    EventKind,
    Incident,
    IncidentEvent,
    IncidentLink,
    LinkState,
    Person,
)
from tests.support.incidents import Spec
from tests.web.conftest import HTML, Site, csrf_of

FIRST = Spec(reporter="D6604", place="บ้านวังหลุม หมู่ 3", dead=1)
SECOND = Spec(reporter="D6604", place="หมู่ที่ 3 บ้านวังหลุม", dead=1)
ELSEWHERE = Spec(reporter="D6605", district="6605", place="บ้านบางมูลนาก หมู่ 1")


async def _post(browser, reference: str, other: str, op: str = "link", csrf: str | None = None):
    if csrf is None:
        page = await browser.get(f"/incidents/{reference}", headers=HTML)
        csrf = csrf_of(page.text)
    return await browser.post(
        f"/incidents/{reference}/links",
        data={"csrf": csrf, "other": other, "op": op},
        headers=HTML,
    )


async def _links(site: Site) -> list[tuple[int, int, LinkState]]:
    async with site.db.read() as session:
        rows = await session.execute(
            select(IncidentLink.low_id, IncidentLink.high_id, IncidentLink.state)
        )
        return [(low, high, state) for low, high, state in rows.all()]


async def test_an_executive_links_two_reports_and_both_pages_and_timelines_say_who(site: Site):
    first, second = await site.add(FIRST), await site.add(SECOND)
    browser = await site.client("GOV")

    answer = await _post(browser, second, first.lower())  # typed in lower case: still found
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/incidents/{second}?link=linked#related"
    page = (await browser.get(answer.headers["location"], headers=HTML)).text
    assert "เชื่อมโยงเหตุแล้ว ทั้งสองเหตุยังแยกกันตามเดิม" in page
    section = page[
        page.index('id="related"') : page.index("</section>", page.index('id="related"'))
    ]
    assert first in section and "เชื่อมโยงแล้ว" in section and "ยกเลิกการเชื่อมโยง" in section
    other = (await browser.get(f"/incidents/{first}", headers=HTML)).text
    assert second in other and "เชื่อมโยงกับเหตุที่เกี่ยวข้อง" in other
    async with site.db.read() as session:
        events = (
            await session.execute(
                select(Incident.reference, IncidentEvent.data, Person.roster_id)
                .join(Incident, Incident.id == IncidentEvent.incident_id)
                .join(Person, Person.id == IncidentEvent.actor_person_id)
                .where(IncidentEvent.kind == EventKind.LINKED)
            )
        ).all()
        groups = set((await session.scalars(select(Incident.link_group_id))).all())
    assert sorted((ref, data["other_reference"], who) for ref, data, who in events) == sorted(
        [(first, second, "GOV"), (second, first, "GOV")]
    )
    assert len(groups) == 1 and None not in groups  # one group, both in it

    # Linking again says so; undoing it leaves both incidents and their timelines.
    again = await _post(browser, first, second)
    assert again.headers["location"].endswith("?link=already_linked#related")
    undone = await _post(browser, first, second, op="unlink")
    assert undone.headers["location"].endswith("?link=unlinked#related")
    assert [state for *_, state in await _links(site)] == [LinkState.UNLINKED]
    async with site.db.read() as session:
        assert set((await session.scalars(select(Incident.link_group_id))).all()) == {None}
        kinds = (await session.scalars(select(IncidentEvent.kind))).all()
    assert kinds.count(EventKind.UNLINKED) == 2


async def test_only_executives_and_admins_may_link_and_a_hidden_incident_is_not_found(site: Site):
    mine, theirs = await site.add(FIRST), await site.add(ELSEWHERE)
    second = await site.add(SECOND)
    reporter = await site.client("D6604")

    page = (await reporter.get(f"/incidents/{mine}", headers=HTML)).text
    assert "/links" not in page  # no form for someone who may not link
    refused = await _post(reporter, mine, second, csrf=csrf_of(page))
    assert refused.headers["location"].endswith("?link=not_allowed#related")
    # Another agency's incident is not found, exactly as a reference that does not exist.
    hidden = await _post(reporter, mine, theirs, csrf=csrf_of(page))
    missing = await _post(reporter, mine, "PCT-2569-9999", csrf=csrf_of(page))
    assert hidden.headers["location"] == missing.headers["location"]
    assert hidden.headers["location"].endswith("?link=not_found#related")
    assert await _links(site) == []

    admin = await site.client("ADMIN1")
    assert (await _post(admin, mine, theirs)).headers["location"].endswith("?link=linked#related")
    # The reporter's page does not name the other agency's incident, even linked.
    page = (await reporter.get(f"/incidents/{mine}", headers=HTML)).text
    assert theirs not in page
    async with site.db.read() as session:
        refusals = await session.scalar(
            select(func.coalesce(func.sum(AuditEvent.count), 0)).where(
                AuditEvent.action.in_(
                    [AuditAction.THREAD_ACTION_REFUSED, AuditAction.WEB_ACCESS_REFUSED]
                )
            )
        )
    assert refusals == 3


async def test_linking_needs_the_session_token_and_two_incidents_of_one_series(site: Site):
    first, second = await site.add(FIRST), await site.add(SECOND)
    browser = await site.client("DGOV2")
    forged = await _post(browser, first, second, csrf="not-the-token")
    assert forged.status_code == 403
    itself = await _post(browser, first, first)
    assert itself.headers["location"].endswith("?link=not_linkable#related")
    page = (await browser.get(itself.headers["location"], headers=HTML)).text
    assert "เชื่อมโยงไม่ได้" in page
    assert await _links(site) == []


async def test_statistics_and_the_list_can_count_a_linked_pair_once(site: Site):
    first, second = await site.add(FIRST), await site.add(SECOND)
    await site.add(ELSEWHERE)
    browser = await site.client("GOV")
    await _post(browser, second, first)
    async with site.db.read() as session:
        person = await session.scalar(select(Person).where(Person.roster_id == "GOV"))
        assert person is not None
        viewer = Viewer.of(person)
        each = await statistics(session, viewer, IncidentFilter(), site.settings.tz)
        once = await statistics(
            session, viewer, IncidentFilter(linked=LinkedCount.ONCE), site.settings.tz
        )
    assert (each.total, once.total) == (3, 2)
    assert each.casualties is not None and once.casualties is not None
    assert (each.casualties.figures["dead"].total, once.casualties.figures["dead"].total) == (2, 1)
    listed = (await browser.get("/incidents?linked=once", headers=HTML)).text
    assert first in listed and second not in listed  # the event by its first report
    page = (await browser.get("/statistics?linked=once", headers=HTML)).text
    assert re.search(r"<span>เหตุการณ์ทั้งหมด</span><strong>2</strong>", page)
    assert 'value="once" selected' in page
