"""Files as they arrive from Telegram, for a report draft or as news: read, limit, download
(the core's IncomingFile and attachment_row are re-exported for the thread's handlers)."""

from __future__ import annotations

import logging
import mimetypes

from telegram import Message
from telegram.error import TelegramError

from bot.runtime import AppContext
from incidents import files
from incidents.reports.limits import FileLimits
from incidents.reports.received import IncomingFile, attachment_row
from incidents.text.fitting import Units, shorten
from storage.models import AttachmentKind

__all__ = ["IncomingFile", "attachment_of", "attachment_row", "download"]

log = logging.getLogger(__name__)

# Column sizes of Attachment.
_NAME_LIMIT = 255
_MIME_LIMIT = 100


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
        return files.store(context.runtime.core.rules.files_dir, content, incoming.extension)
    except OSError as exc:
        log.error("could not keep a downloaded %s: %s", incoming.kind, exc)
        return None
