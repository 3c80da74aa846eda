"""The CAP feed as another system reads it: a token an admin issued, an Atom page of CAP 1.2
messages that each validate against the OASIS schema, chained Alert → Update → Cancel, with no
drill, no contact details and free text masked; a revoked or wrong token reads nothing."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta
from pathlib import Path

import xmlschema
from sqlalchemy import func, select

from incidents.audit import CLI_ACTOR
from incidents.sharing import feed, subscribers
from incidents.text import sharing as t
from storage.models import (
    AuditAction,
    AuditEvent,
    Drill,
    DrillStatus,
    EventKind,
    Incident,
    IncidentEvent,
    Person,
)
from tests.support.incidents import Spec
from tests.web.conftest import Site

CAP_SCHEMA = xmlschema.XMLSchema(Path(__file__).parent / "data" / "CAP-v1.2.xsd")
ATOM = "{http://www.w3.org/2005/Atom}"
CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"
PATH = "/feeds/cap.atom"


async def issue(site: Site, name: str = "สำนักงานป้องกันและบรรเทาสาธารณภัยจังหวัด") -> str:
    return (await subscribers.add_feed(site.core, name, CLI_ACTOR)).credential


async def add_event(site: Site, reference: str, kind: EventKind, **data: str) -> None:
    """A timeline entry a minute later, as the thread's use cases write them."""
    site.clock.advance(timedelta(minutes=1))
    async with site.db.write() as session:
        incident = await session.scalar(select(Incident).where(Incident.reference == reference))
        assert incident is not None
        session.add(
            IncidentEvent(
                incident_id=incident.id,
                at=site.clock.now(),
                kind=kind,
                actor_person_id=incident.reporter_id,
                text="",
                data=data,
            )
        )


def entries(body: bytes) -> list[ET.Element]:
    return ET.fromstring(body).findall(f"{ATOM}entry")


def message(entry: ET.Element) -> ET.Element:
    content = entry.find(f"{ATOM}content")
    assert content is not None and content.get("type") == "application/cap+xml"
    found = content.find(f"{CAP}alert")
    assert found is not None
    return found


async def test_an_incident_is_a_chain_of_valid_cap_messages_newest_first(site: Site):
    token = await issue(site)
    reference = await site.add(Spec(reporter="D6604"))
    await add_event(site, reference, EventKind.ACKNOWLEDGED)
    await add_event(
        site, reference, EventKind.STATUS_CHANGED, before="acknowledged", after="in_progress"
    )
    await add_event(site, reference, EventKind.CLOSED)
    reader = site.anonymous()

    answer = await reader.get(PATH, headers={"Authorization": f"Bearer {token}"})

    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/atom+xml"
    assert answer.headers["cache-control"] == "private, no-cache"
    found = entries(answer.content)
    messages = [message(entry) for entry in found]
    for alert in messages:
        CAP_SCHEMA.validate(ET.tostring(alert))
    kinds = [alert.findtext(f"{CAP}msgType") for alert in messages]
    assert kinds == ["Cancel", "Update", "Update", "Alert"]
    oldest_first = list(reversed(messages))
    sender = oldest_first[0].findtext(f"{CAP}sender")
    assert oldest_first[0].findtext(f"{CAP}identifier") == reference
    assert oldest_first[0].find(f"{CAP}references") is None
    for index, alert in enumerate(oldest_first[1:], start=1):
        named = (alert.findtext(f"{CAP}references") or "").split(" ")
        earlier = [
            f"{sender},{m.findtext(f'{CAP}identifier')},{m.findtext(f'{CAP}sent')}"
            for m in oldest_first[:index]
        ]
        assert named == earlier
    assert messages[0].findtext(f"{CAP}info/{CAP}urgency") == "Past"
    assert "ปิดเหตุการณ์" in (found[0].findtext(f"{ATOM}title") or "")
    assert len({entry.findtext(f"{ATOM}id") for entry in found}) == 4


async def test_drills_contact_details_and_names_in_free_text_stay_out(site: Site):
    token = await issue(site)
    await site.add(
        Spec(
            reporter="D6604",
            description="นายสมชาย ใจดี บาดเจ็บ โทร 081-234-5678 เลขบัตร 1234567890123",
        )
    )
    drill_reference = await site.add(Spec(reporter="D6605", place="สถานที่ฝึกซ้อม"))
    async with site.db.write() as session:
        person = await session.scalar(select(Person).where(Person.roster_id == "ADMIN1"))
        assert person is not None
        drill = Drill(
            province_id=site.core.province_id,
            title="ซ้อมแผน",
            started_at=site.clock.now(),
            ends_at=site.clock.now() + timedelta(hours=1),
            status=DrillStatus.RUNNING,
        )
        session.add(drill)
        await session.flush()
        incident = await session.scalar(
            select(Incident).where(Incident.reference == drill_reference)
        )
        assert incident is not None
        incident.drill_id = drill.id
        reporter_phone = incident.reporter_phone
        reporter_name = incident.reporter_name

    answer = await site.anonymous().get(PATH, params={"token": token})

    assert answer.status_code == 200
    assert len(entries(answer.content)) == 1
    text = answer.content.decode()
    assert drill_reference not in text and "สถานที่ฝึกซ้อม" not in text
    for secret in ("สมชาย", "081-234-5678", "1234567890123", reporter_phone, reporter_name):
        assert secret not in text
    alert = message(entries(answer.content)[0])
    assert alert.find(f"{CAP}info/{CAP}contact") is None
    assert "บาดเจ็บ" in (alert.findtext(f"{CAP}info/{CAP}description") or "")


async def test_a_wrong_or_revoked_token_reads_nothing_and_is_audited(site: Site):
    token = await issue(site)
    await site.add(Spec())
    reader = site.anonymous()
    assert (await reader.get(PATH, params={"token": token})).status_code == 200
    listed = await subscribers.listing(site.core)
    await subscribers.revoke(site.core, listed[0].subscriber_id, CLI_ACTOR)

    for headers, params in (
        ({"Authorization": f"Bearer {token}"}, {}),
        ({}, {"token": token}),
        ({"Authorization": "Bearer cap_not-a-token"}, {}),
        ({}, {}),
    ):
        answer = await reader.get(PATH, headers=headers, params=params)
        assert answer.status_code == 401
        assert answer.text == t.FEED_REFUSED
        assert answer.headers["www-authenticate"].startswith("Bearer")
    async with site.db.read() as session:
        counted = await session.execute(
            select(AuditEvent.action, func.sum(AuditEvent.count)).group_by(AuditEvent.action)
        )
        tally = dict(counted.all())
    assert tally[AuditAction.FEED_REFUSED] == 4
    assert tally[AuditAction.FEED_READ] == 1
    assert tally[AuditAction.SUBSCRIBER_REVOKED] == 1


async def test_an_unchanged_page_answers_304_and_a_change_a_new_tag(site: Site):
    token = await issue(site)
    reference = await site.add(Spec())
    reader = site.anonymous()
    auth = {"Authorization": f"Bearer {token}"}
    first = await reader.get(PATH, headers=auth)

    again = await reader.get(PATH, headers={**auth, "If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    await add_event(site, reference, EventKind.ACKNOWLEDGED)
    changed = await reader.get(PATH, headers={**auth, "If-None-Match": first.headers["etag"]})
    assert changed.status_code == 200
    assert changed.headers["etag"] != first.headers["etag"]
    assert len(entries(changed.content)) == 2


async def test_pages_follow_their_next_links_to_the_oldest_message(site: Site, monkeypatch):
    monkeypatch.setattr(feed, "PAGE_SIZE", 2)
    token = await issue(site)
    references = [await site.add(Spec(place=f"จุดที่ {n}")) for n in range(5)]
    reader = site.anonymous()
    seen: list[str] = []
    address: str | None = f"{PATH}?token={token}"
    while address is not None:
        answer = await reader.get(address)
        assert answer.status_code == 200
        page = ET.fromstring(answer.content)
        seen += [
            message(e).findtext(f"{CAP}identifier") or "" for e in page.findall(f"{ATOM}entry")
        ]
        links = page.findall(f"{ATOM}link")
        (own,) = [link.get("href") or "" for link in links if link.get("rel") == "self"]
        assert "token" not in own
        following = [link for link in links if link.get("rel") == "next"]
        address = following[0].get("href") if following else None
        assert address is None or f"token={token}" in address

    assert seen == list(reversed(references))
    for bad in ("x", "-1", "0", "1" * 5000, "๑๒"):
        answer = await reader.get(PATH, params={"token": token, "before": bad})
        assert answer.status_code == 400, bad
