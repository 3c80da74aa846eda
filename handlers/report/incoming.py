"""Files as they arrive from Telegram, for a report draft or as news: read, limit, download."""

from __future__ import annotations

import logging
import mimetypes
from dataclasses import dataclass
from datetime import datetime

from telegram import Message
from telegram.error import TelegramError

from bot.runtime import AppContext
from incidents import files
from incidents.reports.limits import FileLimits
from incidents.text.fitting import TELEGRAM_CAPTION_LIMIT, Units, shorten
from storage.models import Attachment, AttachmentKind

log = logging.getLogger(__name__)

# Column sizes of Attachment.
_NAME_LIMIT = 255
_MIME_LIMIT = 100


@dataclass(frozen=True, slots=True)
class IncomingFile:
    """What Telegram tells about a file in a message."""

    kind: AttachmentKind
    file_id: str
    unique_id: str
    size: int | None
    file_name: str
    mime_type: str
    extension: str


def attachment_of(message: Message) -> IncomingFile | None:
    """The file a message carries, if any (the largest size of a photo)."""
    if message.photo:
        photo = message.photo[-1]
        return IncomingFile(
            AttachmentKind.PHOTO,
            photo.file_id,
            photo.file_unique_id,
            photo.file_size,
            "",
            "image/jpeg",
            "jpg",
        )
    for kind, item in (
        (AttachmentKind.DOCUMENT, message.document),
        (AttachmentKind.VIDEO, message.video),
        (AttachmentKind.AUDIO, message.audio),
    ):
        if item is not None:
            name = item.file_name or ""
            mime = item.mime_type or ""
            ext = (
                name.rsplit(".", 1)[-1]
                if "." in name
                else ((mimetypes.guess_extension(mime) or ".bin").lstrip("."))
            )
            return IncomingFile(
                kind,
                item.file_id,
                item.file_unique_id,
                item.file_size,
                shorten(name, _NAME_LIMIT, units=Units.CHARACTERS),
                shorten(mime, _MIME_LIMIT, mark="", units=Units.CHARACTERS),
                ext,
            )
    if message.voice is not None:
        voice = message.voice
        return IncomingFile(
            AttachmentKind.VOICE,
            voice.file_id,
            voice.file_unique_id,
            voice.file_size,
            "",
            voice.mime_type or "audio/ogg",
            "ogg",
        )
    return None


def attachment_row(
    incoming: IncomingFile,
    stored: files.StoredFile | None,
    caption: str | None,
    now: datetime,
    *,
    draft_id: int | None = None,
    incident_id: int | None = None,
) -> Attachment:
    """The database row for a received file (Telegram's ids, and our copy when we have one)."""
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


async def download(
    context: AppContext, incoming: IncomingFile, limits: FileLimits, kept: int
) -> files.StoredFile | None:
    """Fetch the file and keep a copy; FileRefused when its real size is over the limit (then
    nothing is kept), None (and a log line) when fetching or keeping fails."""
    try:
        telegram_file = await context.bot.get_file(incoming.file_id)
        content = bytes(await telegram_file.download_as_bytearray())
    except TelegramError as exc:
        log.warning("download of a %s failed: %s", incoming.kind, exc)
        return None
    # Telegram may leave the size out of a message: the bytes themselves decide.
    limits.check(len(content), kept)
    try:
        return files.store(context.runtime.settings.files_dir, content, incoming.extension)
    except OSError as exc:
        log.error("could not keep a downloaded %s: %s", incoming.kind, exc)
        return None
