"""The conversation after an alert, driven through the bot's own thread use cases, so the web
log reads exactly the timeline and instructions the bot writes."""

from __future__ import annotations

from sqlalchemy import select

from incidents import files
from incidents.thread import directing, lifecycle, news
from storage.models import Attachment, AttachmentKind, Incident, IncidentStatus, Person
from tests.web.conftest import Site


async def _person(site: Site, roster_id: str) -> Person:
    async with site.db.read() as session:
        found = await session.scalar(select(Person).where(Person.roster_id == roster_id))
    assert found is not None
    return found


async def _incident_id(site: Site, reference: str) -> int:
    async with site.db.read() as session:
        found = await session.scalar(select(Incident.id).where(Incident.reference == reference))
    assert found is not None
    return found


def _stored(site: Site, kind: AttachmentKind, name: str, body: bytes) -> Attachment:
    stored = files.store(site.settings.files_dir, body, name.rsplit(".", 1)[-1])
    return Attachment(
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
    attachment = None
    if photo is not None:
        attachment = _stored(site, AttachmentKind.PHOTO, "news.png", photo)
    if document is not None:
        attachment = _stored(site, AttachmentKind.DOCUMENT, *document)
    await news.post_news(
        site.core,
        await _person(site, roster_id),
        await _incident_id(site, reference),
        text=text,
        location=location,
        attachment=attachment,
    )


async def change_status(
    site: Site, reference: str, status: IncidentStatus, roster_id: str = "D6604"
) -> None:
    """The reporter moves the incident to a new status."""
    person = await _person(site, roster_id)
    await news.change_status(site.core, person, await _incident_id(site, reference), status)


async def instruct(site: Site, reference: str, text: str, roster_id: str = "GOV") -> int:
    """An executive who had the alert instructs the reporter; the instruction's id."""
    person = await _person(site, roster_id)
    made = await directing.instruct(site.core, person, await _incident_id(site, reference), text)
    return made.id


async def acknowledge(site: Site, instruction_id: int, roster_id: str = "D6604") -> None:
    """The reporter acknowledges an instruction."""
    await directing.acknowledge_instruction(
        site.core, await _person(site, roster_id), instruction_id
    )


async def close(site: Site, reference: str, summary: str, roster_id: str = "GOV") -> None:
    """Close the incident with a summary."""
    person = await _person(site, roster_id)
    await lifecycle.close(site.core, person, await _incident_id(site, reference), summary)
