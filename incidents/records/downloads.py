"""What the web log hands out as files, as use cases: exports of the filtered list, one
incident as CAP 1.2, and an incident's photos and files. Each is audited before a byte of it
leaves; what is refused is audited as a refusal and answered as nothing found.
"""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import AsyncIterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from incidents import audit, files, photolinks
from incidents.audit import Actor
from incidents.core import Core
from incidents.records import cap, exports, queries, trail
from incidents.records.filters import IncidentFilter, Viewer
from incidents.records.incident import visible_attachment, visible_incident
from storage.models import Attachment, AttachmentKind, AuditAction, Incident

log = logging.getLogger(__name__)

# Row ids are 32-bit integers; a larger number names nothing (and PostgreSQL would refuse
# it as a parameter).
MAX_ROW_ID = 2**31 - 1
# Files a browser may show in the page; anything else is only ever downloaded.
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"})


class ExportFormat(StrEnum):
    """The formats the filtered list is exported in."""

    CSV = "csv"
    JSON = "json"


@dataclass(frozen=True, slots=True)
class Export:
    """An export on its way out: its bytes, read from the database batch by batch."""

    chunks: AsyncIterator[bytes]
    file_name: str
    media_type: str


async def export(
    core: Core, viewer: Viewer, wanted: IncidentFilter, kind: ExportFormat, address: str
) -> Export:
    """Every incident the filter matches, as CSV (Excel opens it with Thai) or JSON."""
    # Audited before the first byte leaves: an export that cannot be recorded is not sent.
    await trail.viewed(
        core,
        viewer,
        address,
        AuditAction.WEB_EXPORTED,
        subject_type="incident_list",
        format=kind.value,
        filters=wanted.chosen(),
    )
    tz = core.rules.tz
    rows = queries.stream_export(core, viewer, wanted)
    stamp = core.clock.now().astimezone(tz).strftime("%Y%m%d-%H%M")
    if kind is ExportFormat.CSV:
        return Export(exports.csv_chunks(rows, tz), f"incidents-{stamp}.csv", exports.CSV_TYPE)
    return Export(exports.json_chunks(rows), f"incidents-{stamp}.json", exports.JSON_TYPE)


@dataclass(frozen=True, slots=True)
class CapMessage:
    """One incident as a CAP 1.2 alert."""

    body: bytes
    file_name: str
    media_type: str = cap.MEDIA_TYPE


async def incident_cap(
    core: Core, viewer: Viewer, reference: str, address: str
) -> CapMessage | None:
    """The incident as CAP 1.2 XML; None (the refusal audited) when it is not to be seen."""
    async with core.reading() as session:
        incident = await visible_incident(session, viewer, reference)
    if incident is None:
        await trail.refused(
            core, viewer, address, subject_type="incident", subject_id=reference, format="cap"
        )
        return None
    await trail.viewed(
        core,
        viewer,
        address,
        AuditAction.WEB_EXPORTED,
        subject_type="incident",
        subject_id=reference,
        format="cap",
    )
    alert = cap.to_cap_element(
        incident,
        district_code=incident.district.code,
        district_name=incident.district.name_th,
        province_name=core.province.name_th,
        province_key=core.province.key,
        tz=core.rules.tz,
        public_base_url=core.rules.public_base_url,
    )
    return CapMessage(cap.as_bytes(alert), f"{reference}.cap.xml")


@dataclass(frozen=True, slots=True)
class KeptFile:
    """A photo or file of an incident, where it is kept and how it is to be handed out."""

    path: Path
    file_name: str
    media_type: str
    # Shown in the page (a photo), or only ever downloaded.
    inline: bool


async def incident_file(
    core: Core, viewer: Viewer, reference: str, attachment_id: int, address: str
) -> KeptFile | None:
    """An attachment of an incident the viewer may see (the opening audited). None when it is
    not theirs to see (the refusal audited) or no copy of it is kept here."""
    attachment = None
    if 0 < attachment_id <= MAX_ROW_ID:
        async with core.reading() as session:
            attachment = await visible_attachment(session, viewer, reference, attachment_id)
    if attachment is None:
        await trail.refused(
            core,
            viewer,
            address,
            subject_type="attachment",
            subject_id=attachment_id,
            incident=reference,
        )
        return None
    if not attachment.stored_path:
        return None
    path = files.kept(core.rules.files_dir, attachment.stored_path)
    if path is None:
        return None
    await trail.viewed(
        core,
        viewer,
        address,
        AuditAction.WEB_FILE_VIEWED,
        subject_type="attachment",
        subject_id=attachment.id,
        incident=reference,
    )
    return _handed_out(attachment, path)


async def linked_photo(
    core: Core, attachment_id: int, expires: int, signed: str, address: str
) -> KeptFile | None:
    """A photo by its signed address (incidents/photolinks), for whoever holds the address
    (LINE's servers showing a card); the opening audited. None for an address we did not
    make, one expired, or a photo no longer kept here."""
    key = core.rules.photo_link_key
    if not 0 < attachment_id <= MAX_ROW_ID or not photolinks.valid(
        key, attachment_id, expires, signed, core.clock.now()
    ):
        log.info("photo link refused: not ours or expired (attachment %s)", attachment_id)
        return None
    async with core.unit() as uow:
        attachment = await uow.session.get(Attachment, attachment_id)
        if attachment is None or not photolinks.card_photos([attachment]):
            return None
        path = files.kept(core.rules.files_dir, attachment.stored_path or "")
        if path is None:
            return None
        incident = (
            await uow.session.get(Incident, attachment.incident_id)
            if attachment.incident_id is not None
            else None
        )
        audit.record(
            uow.session,
            AuditAction.WEB_PHOTO_LINK_OPENED,
            Actor(label="photo link", source=address),
            uow.now,
            subject_type="attachment",
            subject_id=attachment.id,
            incident=incident.reference if incident is not None else "",
        )
        return _handed_out(attachment, path)


def _handed_out(attachment: Attachment, path: Path) -> KeptFile:
    """How the file goes out: photos in the page, everything else as a download."""
    guessed = mimetypes.guess_type(path.name)[0]
    fallback = "image/jpeg" if attachment.kind is AttachmentKind.PHOTO else None
    media_type = attachment.mime_type or guessed or fallback or "application/octet-stream"
    inline = media_type in INLINE_TYPES
    return KeptFile(
        path=path,
        file_name=attachment.file_name or path.name,
        media_type=media_type if inline else "application/octet-stream",
        inline=inline,
    )
