"""Photos, documents, voice notes and videos sent while a report is being filled in, at any
step: people in the field often send the photo first. Without an open draft, a reporter's file
starts a new report that holds it (incidents/reports/attaching.py decides)."""

from __future__ import annotations

import logging

from telegram import Update

from bot.runtime import AppContext
from handlers import fallback
from handlers.replying import ask, say
from handlers.report.incoming import IncomingFile, attachment_of, download
from handlers.report.prompts import announce_new_report
from incidents.files import StoredFile
from incidents.reports import attaching
from incidents.reports.attaching import Held, Room
from incidents.reports.limits import FileRefusal, FileRefused
from incidents.reports.service import Opened
from incidents.text import report as t

log = logging.getLogger(__name__)


async def receive(update: Update, context: AppContext) -> None:
    """Keep a file with the open draft whatever its step, within the file limits."""
    message = update.effective_message
    assert message is not None
    incoming = attachment_of(message)
    assert incoming is not None
    person = context.require_person()
    core = context.runtime.core
    room = await attaching.room(core, person)
    if room.prompt is None and not room.may_start:
        await fallback.unknown_message(update, context)
        return
    try:
        # Refuse before fetching when Telegram says enough; the bytes decide after.
        room.limits.check(incoming.size, room.kept)
        stored = await download(context, incoming, room.limits, room.kept)
        held = await attaching.keep(
            core, person, incoming, stored, message.caption, message.media_group_id
        )
    except FileRefused as refused:
        log.info("file refused for person#%s: %s", person.id, refused.refusal)
        await _refuse(update, context, refused.refusal, room)
        return
    await _acknowledge(update, context, incoming, stored, held)


async def _refuse(update: Update, context: AppContext, refusal: FileRefusal, room: Room) -> None:
    """Say why the file was not kept, then ask the current step again."""
    limits = room.limits
    if refusal is FileRefusal.TOO_LARGE:
        text = t.ATTACHMENT_TOO_LARGE.format(limit=f"{limits.max_mb:g}")
    else:
        text = t.attachment_too_many(limits.max_count, room.at_attachments)
    await say(update, context, text)
    if room.prompt is not None and not room.at_attachments:
        await ask(update, context, room.prompt)


async def _acknowledge(
    update: Update,
    context: AppContext,
    incoming: IncomingFile,
    stored: StoredFile | None,
    held: Held,
) -> None:
    """A short word that the file is kept, then the current step again."""
    if stored is None:
        await say(update, context, t.ATTACHMENT_DOWNLOAD_FAILED)
    if held.quiet:
        return
    what = t.ATTACHMENT_WORDS[incoming.kind]
    if held.opened is not Opened.CONTINUED:
        await announce_new_report(update, context, held.opened, what)
    elif held.at_attachments:
        # The "done" button rides on the acknowledgement, so it is always at hand.
        received = t.ATTACHMENT_RECEIVED.format(count=held.count)
        await say(update, context, received, buttons=held.done_buttons)
        return
    else:
        await say(update, context, t.ATTACHMENT_KEPT_EARLY.format(what=what, count=held.count))
    await ask(update, context, held.prompt)
