"""Photos, documents, voice notes and videos sent while a report is being filled in, at any
step: people in the field often send the photo first. Without an open draft, a reporter's file
starts a new report that holds it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from telegram import Message, Update

from bot.runtime import AppContext
from handlers import fallback
from handlers.report import keyboards
from handlers.report.incoming import IncomingFile, attachment_of, attachment_row, download
from handlers.report.prompts import announce_new_report, send_prompt
from incidents.files import StoredFile
from incidents.reports import service
from incidents.reports.limits import FileLimits, FileRefusal, FileRefused, draft_files
from incidents.reports.service import Opened
from incidents.text import report as t
from storage.models import Person, ReportDraft, ReportStep, Role

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Held:
    """The draft a file was kept with, and what to tell the reporter."""

    draft: ReportDraft
    opened: Opened
    count: int
    quiet: bool  # a later item of an album already acknowledged


async def receive(update: Update, context: AppContext) -> None:
    """Keep a file with the open draft whatever its step, within the file limits."""
    message = update.effective_message
    assert message is not None
    incoming = attachment_of(message)
    assert incoming is not None
    person = context.require_person()
    runtime = context.runtime
    limits = FileLimits.of(runtime.core.rules)
    ttl = timedelta(minutes=runtime.settings.draft_ttl_minutes)
    async with runtime.db.read() as session:
        draft = await service.open_draft(session, person.id)
        if draft is not None and service.is_stale(draft, runtime.clock.now(), ttl):
            draft = None
        kept = await draft_files(session, draft.id) if draft is not None else 0
    if draft is None and not person.has_role(Role.REPORTER):
        await fallback.unknown_message(update, context)
        return
    try:
        # Refuse before fetching when Telegram says enough; the bytes decide after.
        limits.check(incoming.size, kept)
        stored = await download(context, incoming, limits, kept)
        held = await _keep(context, person, message, incoming, stored, limits, ttl)
    except FileRefused as refused:
        log.info("file refused for person#%s: %s", person.id, refused.refusal)
        await _refuse(context, message, person, refused.refusal, draft, limits)
        return
    await _acknowledge(context, message, person, incoming, stored, held)


async def _keep(
    context: AppContext,
    person: Person,
    message: Message,
    incoming: IncomingFile,
    stored: StoredFile | None,
    limits: FileLimits,
    ttl: timedelta,
) -> Held:
    """Add the file to the open draft (or a new one), counting again under the draft's lock."""
    runtime = context.runtime
    now = runtime.clock.now()
    async with runtime.db.write() as session:
        draft, opened = await service.open_or_start(session, person, now, ttl)
        count = await draft_files(session, draft.id)
        limits.check(None, count)
        session.add(attachment_row(incoming, stored, message.caption, now, draft_id=draft.id))
        data = service.data_of(draft)
        # An album arrives as one message per item: acknowledge it once.
        group = message.media_group_id
        quiet = group is not None and data.last_media_group == group
        data.last_media_group = group
        service.save(draft, data, draft.step, now)
        await session.flush()
        await session.refresh(draft, ["attachments"])
    return Held(draft, opened, count + 1, quiet)


async def _refuse(
    context: AppContext,
    message: Message,
    person: Person,
    refusal: FileRefusal,
    draft: ReportDraft | None,
    limits: FileLimits,
) -> None:
    """Say why the file was not kept, then ask the current step again."""
    at_attachments = draft is not None and draft.step is ReportStep.ATTACHMENTS
    if refusal is FileRefusal.TOO_LARGE:
        text = t.ATTACHMENT_TOO_LARGE.format(limit=f"{limits.max_mb:g}")
    else:
        text = t.attachment_too_many(limits.max_count, at_attachments)
    await message.reply_text(text)
    if draft is not None and not at_attachments:
        await send_prompt(context.bot, message.chat_id, draft, person, context.runtime)


async def _acknowledge(
    context: AppContext,
    message: Message,
    person: Person,
    incoming: IncomingFile,
    stored: StoredFile | None,
    held: Held,
) -> None:
    """A short word that the file is kept, then the current step again."""
    runtime = context.runtime
    draft = held.draft
    if stored is None:
        await message.reply_text(t.ATTACHMENT_DOWNLOAD_FAILED)
    if held.quiet:
        return
    what = t.ATTACHMENT_WORDS[incoming.kind]
    if held.opened is not Opened.CONTINUED:
        await announce_new_report(message, held.opened, what)
    elif draft.step is ReportStep.ATTACHMENTS:
        # The "done" button rides on the acknowledgement, so it is always at hand.
        done = keyboards.step_keyboard(
            ReportStep.ATTACHMENTS, draft.token, service.data_of(draft), runtime.province, None
        )
        await message.reply_text(t.ATTACHMENT_RECEIVED.format(count=held.count), reply_markup=done)
        return
    else:
        await message.reply_text(t.ATTACHMENT_KEPT_EARLY.format(what=what, count=held.count))
    await send_prompt(context.bot, message.chat_id, draft, person, runtime)
