"""Photos, documents and voice notes sent while filling in a report."""

from __future__ import annotations

import logging
import mimetypes
from dataclasses import dataclass
from datetime import datetime

from telegram import Message, Update
from telegram.error import TelegramError

from bot.reports import service
from bot.runtime import AppContext
from bot.services import files
from bot.texts import report as t
from handlers import fallback
from handlers.report import keyboards
from handlers.report.prompts import send_prompt
from storage.models import Attachment, AttachmentKind, ReportStep

log = logging.getLogger(__name__)


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
                kind, item.file_id, item.file_unique_id, item.file_size, name[:255], mime[:100], ext
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
        caption=(caption or "")[:1024],
        created_at=now,
    )


async def download(context: AppContext, incoming: IncomingFile) -> files.StoredFile | None:
    """Fetch the file from Telegram and keep a copy; None (and a log line) when that fails."""
    try:
        telegram_file = await context.bot.get_file(incoming.file_id)
        content = bytes(await telegram_file.download_as_bytearray())
    except TelegramError as exc:
        log.warning("download of a %s failed: %s", incoming.kind, exc)
        return None
    try:
        return files.store(context.runtime.settings.files_dir, content, incoming.extension)
    except OSError as exc:
        log.error("could not keep a downloaded %s: %s", incoming.kind, exc)
        return None


async def receive(update: Update, context: AppContext) -> None:
    """Keep a file on the open draft when it is at the attachments step."""
    message = update.effective_message
    assert message is not None
    incoming = attachment_of(message)
    assert incoming is not None
    person = context.require_person()
    runtime = context.runtime
    settings = runtime.settings

    async with runtime.db.read() as session:
        draft = await service.open_draft(session, person.id)
    if draft is None:
        await fallback.unknown_message(update, context)
        return
    refusal = None
    if draft.step is not ReportStep.ATTACHMENTS:
        refusal = t.input_error("attachments_only_here")
    elif len(draft.attachments) >= settings.max_attachments:
        refusal = t.ATTACHMENT_TOO_MANY.format(limit=settings.max_attachments)
    elif incoming.size and incoming.size > settings.max_attachment_mb * 1024 * 1024:
        refusal = t.ATTACHMENT_TOO_LARGE.format(limit=f"{settings.max_attachment_mb:g}")
    if refusal is not None:
        log.info("attachment refused for person#%s (step %s)", person.id, draft.step)
        await message.reply_text(refusal)
        if draft.step is not ReportStep.ATTACHMENTS:
            await send_prompt(context.bot, message.chat_id, draft, person, runtime)
        return

    stored = await download(context, incoming)
    now = runtime.clock.now()
    async with runtime.db.write() as session:
        current = await service.open_draft(session, person.id, for_update=True)
        if current is None or current.id != draft.id:
            await message.reply_text(t.STALE_BUTTON)
            return
        session.add(attachment_row(incoming, stored, message.caption, now, draft_id=current.id))
        data = service.data_of(current)
        # An album arrives as one message per item: acknowledge it once.
        quiet = (
            message.media_group_id is not None and data.last_media_group == message.media_group_id
        )
        data.last_media_group = message.media_group_id
        service.save(current, data, current.step, now)
        await session.flush()
        await session.refresh(current, ["attachments"])
        count = len(current.attachments)
    if stored is None:
        await message.reply_text(t.ATTACHMENT_DOWNLOAD_FAILED)
    if not quiet:
        # The "done" button rides on the acknowledgement, so it is always at hand.
        done = keyboards.step_keyboard(
            ReportStep.ATTACHMENTS, current.token, data, runtime.province, None
        )
        await message.reply_text(t.ATTACHMENT_RECEIVED.format(count=count), reply_markup=done)
