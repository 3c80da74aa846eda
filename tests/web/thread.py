"""The conversation after an alert, driven through the bot's own thread service, so the web
log reads exactly the timeline and instructions the bot writes."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from incidents import files
from incidents.events import EventBus
from incidents.thread.service import Thread
from storage.models import Attachment, AttachmentKind, Incident, IncidentStatus, Person
from tests.web.conftest import Site

THREAD = Thread(EventBus(), timedelta(minutes=15))


async def _person(session: AsyncSession, roster_id: str) -> Person:
    found = await session.scalar(select(Person).where(Person.roster_id == roster_id))
    assert found is not None
    return found


async def _incident_id(session: AsyncSession, reference: str) -> int:
    found = await session.scalar(select(Incident.id).where(Incident.reference == reference))
    assert found is not None
    return found


async def _stored(
    site: Site,
    session: AsyncSession,
    incident_id: int,
    kind: AttachmentKind,
    name: str,
    body: bytes,
) -> int:
    stored = files.store(site.settings.files_dir, body, name.rsplit(".", 1)[-1])
    row = Attachment(
        incident_id=incident_id,
        kind=kind,
        telegram_file_id=f"news-{stored.sha256[:8]}",
        telegram_file_unique_id=stored.sha256[:16],
        file_name="" if kind is AttachmentKind.PHOTO else name,
        mime_type="image/png" if kind is AttachmentKind.PHOTO else "application/pdf",
        size=stored.size,
        sha256=stored.sha256,
        stored_path=stored.relative_path,
        created_at=site.clock.now(),
    )
    session.add(row)
    await session.flush()
    return row.id


async def post_news(
    site: Site,
    reference: str,
    *,
    text: str = "",
    photo: bytes | None = None,
    document: tuple[str, bytes] | None = None,
    location: tuple[float, float] | None = None,
    roster_id: str = "D6604",
) -> None:
    """The reporter's news: text, one photo or document, or a location."""
    async with site.db.write() as session:
        incident_id = await _incident_id(session, reference)
        attachment_id = None
        if photo is not None:
            attachment_id = await _stored(
                site, session, incident_id, AttachmentKind.PHOTO, "news.png", photo
            )
        if document is not None:
            attachment_id = await _stored(
                site, session, incident_id, AttachmentKind.DOCUMENT, *document
            )
        await THREAD.post_update(
            session,
            incident_id,
            await _person(session, roster_id),
            site.clock.now(),
            text=text,
            attachment_id=attachment_id,
            location=location,
        )


async def change_status(
    site: Site, reference: str, status: IncidentStatus, roster_id: str = "D6604"
) -> None:
    """The reporter moves the incident to a new status."""
    async with site.db.write() as session:
        person = await _person(session, roster_id)
        incident_id = await _incident_id(session, reference)
        await THREAD.change_status(session, incident_id, person, status, site.clock.now())


async def instruct(site: Site, reference: str, text: str, roster_id: str = "GOV") -> int:
    """An executive who had the alert instructs the reporter; the instruction's id."""
    async with site.db.write() as session:
        person = await _person(session, roster_id)
        incident_id = await _incident_id(session, reference)
        made = await THREAD.instruct(session, incident_id, person, text, site.clock.now())
        return made.id


async def acknowledge(site: Site, instruction_id: int, roster_id: str = "D6604") -> None:
    """The reporter acknowledges an instruction."""
    async with site.db.write() as session:
        person = await _person(session, roster_id)
        await THREAD.acknowledge_instruction(session, instruction_id, person, site.clock.now())


async def close(site: Site, reference: str, summary: str, roster_id: str = "GOV") -> None:
    """Close the incident with a summary."""
    async with site.db.write() as session:
        person = await _person(session, roster_id)
        incident_id = await _incident_id(session, reference)
        await THREAD.close(session, incident_id, person, summary, site.clock.now())
