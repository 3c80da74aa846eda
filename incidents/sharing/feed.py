"""The CAP 1.2 feed: an Atom feed whose entries are CAP messages, for systems an admin issued
a token to (the provincial disaster office, a national dashboard, a newsroom).

Each incident is a chain of CAP messages, one per change other systems act on: the Alert when
it is filed, an Update when it is acknowledged, changes status or is reopened, a Cancel when
it is closed. A message's identifier is the incident's reference for the Alert and the
reference with the timeline entry's number after it for each later one; each later message
names every earlier one in `references` ("sender,identifier,sent"). Entries are the newest
first, a page at a time, with a `next` link to older ones (RFC 5005 paging). Drills never
appear; nor do contact details; free text has what identifies people masked.
"""

from __future__ import annotations

import hashlib
import uuid
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy import select

from incidents import audit
from incidents.core import Core
from incidents.records import cap
from incidents.text import sharing as t
from storage.models import (
    AuditAction,
    EventKind,
    Incident,
    IncidentEvent,
    IncidentStatus,
    Subscriber,
)

ATOM_NS = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml"
PAGE_SIZE = 50
MAX_EVENT_ID = 2**31 - 1

# The timeline entries that make a CAP message, and the msgType each makes.
MESSAGE_TYPES: dict[EventKind, str] = {
    EventKind.FILED: "Alert",
    EventKind.ACKNOWLEDGED: "Update",
    EventKind.STATUS_CHANGED: "Update",
    EventKind.REOPENED: "Update",
    EventKind.CLOSED: "Cancel",
}
_STATUS_AFTER = {
    EventKind.FILED: IncidentStatus.REPORTED,
    EventKind.ACKNOWLEDGED: IncidentStatus.ACKNOWLEDGED,
    EventKind.REOPENED: IncidentStatus.IN_PROGRESS,
    EventKind.CLOSED: IncidentStatus.CLOSED,
}


@dataclass(frozen=True, slots=True)
class FeedPage:
    """A page of the feed as sent: its bytes and the entity tag a reader revalidates with."""

    body: bytes
    etag: str
    media_type: str = MEDIA_TYPE


def status_after(event: IncidentEvent, incident: Incident) -> IncidentStatus:
    """The status an incident had once the timeline entry was made."""
    if event.kind is EventKind.STATUS_CHANGED:
        try:
            return IncidentStatus(str(event.data.get("after")))
        except ValueError:
            return incident.status
    return _STATUS_AFTER.get(event.kind, incident.status)


def identifier_of(reference: str, event: IncidentEvent) -> str:
    """A message's CAP identifier: the reference for the Alert, with the entry's number for
    the rest (no spaces, commas, "<" or "&", as CAP asks)."""
    return reference if event.kind is EventKind.FILED else f"{reference}.{event.id}"


def versions(
    incident: Incident, chain: list[IncidentEvent], sender: str, core: Core
) -> dict[int, cap.CapVersion]:
    """Each message of an incident's chain by its timeline entry's id, with its references."""
    made: dict[int, cap.CapVersion] = {}
    earlier: list[str] = []
    for event in chain:
        identifier = identifier_of(incident.reference, event)
        made[event.id] = cap.CapVersion(
            identifier=identifier,
            sent=event.at,
            msg_type=MESSAGE_TYPES[event.kind] if earlier else "Alert",
            status=status_after(event, incident),
            references=tuple(earlier),
        )
        earlier.append(f"{sender},{identifier},{cap.cap_time(event.at, core.rules.tz)}")
    return made


async def read_page(
    core: Core,
    subscriber: Subscriber,
    feed_url: str,
    before: int | None,
    address: str,
    *,
    next_token: str = "",
) -> FeedPage:
    """A page of the feed for a subscriber, newest first, older than entry `before` when
    given; the read is audited (a reader's polls from one address counted on one row)."""
    kinds = tuple(MESSAGE_TYPES)
    limit = min(before or MAX_EVENT_ID, MAX_EVENT_ID)
    async with core.reading() as session:
        rows = (
            await session.execute(
                select(IncidentEvent, Incident)
                .join(Incident, Incident.id == IncidentEvent.incident_id)
                .where(
                    Incident.province_id == core.province_id,
                    Incident.drill_id.is_(None),
                    IncidentEvent.kind.in_(kinds),
                    IncidentEvent.id < limit,
                )
                .order_by(IncidentEvent.id.desc())
                .limit(PAGE_SIZE)
            )
        ).all()
        chains: dict[int, list[IncidentEvent]] = defaultdict(list)
        if rows:
            earlier = await session.scalars(
                select(IncidentEvent)
                .where(
                    IncidentEvent.incident_id.in_({incident.id for _, incident in rows}),
                    IncidentEvent.kind.in_(kinds),
                )
                .order_by(IncidentEvent.id)
            )
            for event in earlier:
                chains[event.incident_id].append(event)
    pairs = [(event, incident) for event, incident in rows]
    more = len(pairs) == PAGE_SIZE
    body = _atom(core, pairs, chains, feed_url, more=more, next_token=next_token)
    entry = audit.AuditEntry(
        AuditAction.FEED_READ,
        subscriber_actor(subscriber, address),
        core.clock.now(),
        "feed",
        subscriber.id,
    )
    async with core.unit() as uow:
        await audit.record_refusal(uow.session, entry)
    return FeedPage(body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')


async def refuse(core: Core, address: str) -> None:
    """Audit a read with no live token (a client's retries from one address on one row)."""
    entry = audit.AuditEntry(
        AuditAction.FEED_REFUSED,
        audit.Actor(label="feed reader", source=address),
        core.clock.now(),
        "feed",
    )
    async with core.unit() as uow:
        await audit.record_refusal(uow.session, entry)


def subscriber_actor(subscriber: Subscriber, address: str) -> audit.Actor:
    """A subscriber as the audit trail names it."""
    return audit.Actor(label=f"subscriber {subscriber.id}: {subscriber.name}", source=address)


def _atom(
    core: Core,
    pairs: Sequence[tuple[IncidentEvent, Incident]],
    chains: dict[int, list[IncidentEvent]],
    feed_url: str,
    *,
    more: bool,
    next_token: str,
) -> bytes:
    ET.register_namespace("", ATOM_NS)
    tz = core.rules.tz
    sender = cap.sender_of(core.rules.public_base_url, core.province.key)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    _text(feed, "id", _urn(sender, "feeds/cap"))
    _text(feed, "title", t.feed_title(core.province.name_th))
    _text(feed, "subtitle", t.FEED_SUBTITLE)
    newest: datetime = pairs[0][0].at if pairs else core.clock.now()
    _text(feed, "updated", cap.cap_time(newest, tz))
    author = ET.SubElement(feed, f"{{{ATOM_NS}}}author")
    _text(author, "name", t.feed_author(core.province.name_th))
    _link(feed, "self", feed_url, MEDIA_TYPE)
    if more:
        _link(feed, "next", with_before(feed_url, pairs[-1][0].id, next_token), MEDIA_TYPE)
    made: dict[int, dict[int, cap.CapVersion]] = {}
    for event, incident in pairs:
        if incident.id not in made:
            made[incident.id] = versions(incident, chains[incident.id], sender, core)
        version = made[incident.id][event.id]
        district = incident.district
        message = cap.to_cap_element(
            incident,
            district_code=district.code,
            district_name=district.name_th,
            province_name=core.province.name_th,
            province_key=core.province.key,
            tz=tz,
            public_base_url=core.rules.public_base_url,
            version=version,
            shared=True,
        )
        entry = ET.SubElement(feed, f"{{{ATOM_NS}}}entry")
        _text(entry, "id", _urn(sender, version.identifier))
        headline = message.findtext(f"{{{cap.CAP_NS}}}info/{{{cap.CAP_NS}}}headline") or ""
        _text(entry, "title", t.entry_title(version.msg_type, version.status, headline))
        _text(entry, "updated", cap.cap_time(event.at, tz))
        _text(entry, "summary", headline)
        content = ET.SubElement(entry, f"{{{ATOM_NS}}}content", type=cap.MEDIA_TYPE)
        content.append(message)
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return body


def with_before(url: str, before: int, token: str = "") -> str:
    """The address of the page older than entry `before`, other parameters kept (and the
    reader's token, for one that can only send it in the address)."""
    parts = urlsplit(url)
    query = [(key, value) for key, value in parse_qsl(parts.query) if key != "before"]
    query.append(("before", str(before)))
    if token:
        query.append(("token", token))
    return urlunsplit(parts._replace(query=urlencode(query)))


def _urn(sender: str, name: str) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{sender}/{name}')}"


def _text(parent: ET.Element, name: str, value: str) -> None:
    ET.SubElement(parent, f"{{{ATOM_NS}}}{name}").text = value


def _link(parent: ET.Element, rel: str, href: str, media_type: str) -> None:
    ET.SubElement(parent, f"{{{ATOM_NS}}}link", rel=rel, href=href, type=media_type)
