"""A file someone sent, as the channel describes it, and the row that keeps it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from incidents.files import StoredFile
from incidents.text.fitting import TELEGRAM_CAPTION_LIMIT, shorten
from storage.models import Attachment, AttachmentKind


@dataclass(frozen=True, slots=True)
class IncomingFile:
    """What the channel tells about a file in a message (its ids, declared size, name)."""

    kind: AttachmentKind
    file_id: str
    unique_id: str
    size: int | None
    file_name: str
    mime_type: str
    extension: str


def attachment_row(
    incoming: IncomingFile,
    stored: StoredFile | None,
    caption: str | None,
    now: datetime,
    *,
    draft_id: int | None = None,
    incident_id: int | None = None,
) -> Attachment:
    """The database row for a received file (the channel's ids, and our copy when we have one)."""
    return Attachment(
        draft_id=draft_id,
        incident_id=incident_id,
        kind=incoming.kind,
        telegram_file_id=incoming.file_id,
        telegram_file_unique_id=incoming.unique_id,
        file_name=incoming.file_name,
        mime_type=incoming.mime_type,
        size=stored.size if stored else incoming.size,
        sha256=stored.sha256 if stored else None,
        stored_path=stored.relative_path if stored else None,
        caption=shorten(caption or "", TELEGRAM_CAPTION_LIMIT),
        created_at=now,
    )
