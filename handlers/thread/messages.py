"""Messages that answer a prompt, or reply to a message of an incident's thread."""

from __future__ import annotations

import logging

from telegram import Update

from bot.runtime import AppContext
from handlers.replying import say
from handlers.report import incoming as incoming_files
from handlers.thread.menus import TEXT_KINDS, refuse, thread_button
from incidents.access import AccessRefused
from incidents.actions import ThreadVerb
from incidents.files import StoredFile
from incidents.policy import Action
from incidents.reports import parsing
from incidents.reports.limits import FileLimits, FileRefusal, FileRefused
from incidents.text import drill as drill_texts
from incidents.text import report as report_texts
from incidents.text import thread as t
from incidents.text.rich import Text
from incidents.thread import browsing, inputs, news, prompts
from storage.models import PendingInputKind

log = logging.getLogger(__name__)


async def handle_message(update: Update, context: AppContext) -> bool:
    """Take a message that answers a prompt or replies to an incident's thread; False if not."""
    message = update.effective_message
    assert message is not None
    awaited = await inputs.awaited(context.runtime.core, context.require_person())
    if awaited is None:
        return await handle_reply(update, context)
    kind, incident_id, request_id = awaited.kind, awaited.incident_id, awaited.request_id
    if kind is PendingInputKind.UPDATE:
        await _post_news(update, context, incident_id)
        return True
    if message.text is None:
        await say(update, context, t.TEXT_EXPECTED)
        return True
    try:
        text = parsing.bounded_text(message.text, *TEXT_KINDS[kind])
    except parsing.InputError as exc:
        await say(update, context, _input_error(exc, context))
        return True
    await _act_on_text(update, context, kind, incident_id, request_id, text)
    return True


async def _act_on_text(
    update: Update,
    context: AppContext,
    kind: PendingInputKind,
    incident_id: int,
    request_id: int | None,
    text: str,
) -> None:
    person = context.require_person()
    try:
        done = await prompts.answer(
            context.runtime.core, person, kind, incident_id, request_id, text
        )
    except AccessRefused as error:
        await refuse(update, context, None, error)
        return
    if done.kind is PendingInputKind.CLOSE_SUMMARY:
        await say(update, context, drill_texts.marked(t.closed_ok(done.reference), done.drill))
    else:
        await say(update, context, _SENT[done.kind])


_SENT = {
    PendingInputKind.INSTRUCTION: t.INSTRUCTION_SENT,
    PendingInputKind.INFO_QUESTION: t.REQUEST_SENT,
    PendingInputKind.INFO_ANSWER: t.ANSWER_SENT,
}


async def _post_news(update: Update, context: AppContext, incident_id: int) -> None:
    """Send the reporter's text, file or location as news about the incident."""
    message = update.effective_message
    assert message is not None
    incoming = incoming_files.attachment_of(message)
    text = parsing.clean_text(message.text or message.caption or "")
    location = None
    if message.location is not None:
        location = (message.location.latitude, message.location.longitude)
    if incoming is None and location is None and not text:
        await say(update, context, t.TEXT_EXPECTED)
        return
    stored = None
    try:
        if incoming is not None:
            stored = await _fetch_news_file(context, incident_id, incoming)
        attachment_id = await _record_news(
            context, incident_id, incoming, stored, text, location, message.caption
        )
    except AccessRefused as error:
        await refuse(update, context, None, error)
        return
    except FileRefused as refused:
        await say(update, context, _file_refusal(refused.refusal, context))
        return
    log.info("news about incident %s (file %s)", incident_id, attachment_id)
    done = thread_button(t.BUTTON_DONE, incident_id, ThreadVerb.DONE)
    await say(update, context, t.NEWS_SENT, buttons=((done,),))


async def _fetch_news_file(
    context: AppContext, incident_id: int, incoming: incoming_files.IncomingFile
) -> StoredFile | None:
    """Check the file against the limits, then download it (a refusal leaves no file)."""
    runtime = context.runtime
    limits = FileLimits.of(runtime.core.rules)
    # Refuse before fetching anything: a refused file must leave no trace but the audit.
    kept = await news.news_files_kept(runtime.core, context.require_person(), incident_id)
    limits.check(incoming.size, kept)
    # Fetch the file before the transaction: no network wait while holding a write lock.
    return await incoming_files.download(context, incoming, limits, kept)


async def _record_news(
    context: AppContext,
    incident_id: int,
    incoming: incoming_files.IncomingFile | None,
    stored: StoredFile | None,
    text: str,
    location: tuple[float, float] | None,
    caption: str | None,
) -> int | None:
    """Keep the file (counted again) and hand the news to the thread in one unit of work."""
    runtime = context.runtime
    row = None
    if incoming is not None:
        row = incoming_files.attachment_row(
            incoming, stored, caption, runtime.clock.now(), incident_id=incident_id
        )
    # The whole text: what one Telegram message carries, cut only where it is shown.
    return await news.post_news(
        runtime.core,
        context.require_person(),
        incident_id,
        text=text,
        location=location,
        attachment=row,
        limits=FileLimits.of(runtime.core.rules),
    )


def _file_refusal(refusal: FileRefusal, context: AppContext) -> str:
    """Why a news file was not sent, with the limit it broke."""
    limits = FileLimits.of(context.runtime.core.rules)
    if refusal is FileRefusal.TOO_LARGE:
        return report_texts.ATTACHMENT_TOO_LARGE.format(limit=f"{limits.max_mb:g}")
    return t.NEWS_FILES_TOO_MANY.format(limit=limits.max_count)


async def handle_reply(update: Update, context: AppContext) -> bool:
    """A Telegram reply to a message of an incident's thread: an instruction from an
    executive who had the alert, or news or an answer from the reporter's side."""
    message = update.effective_message
    assert message is not None
    replied = message.reply_to_message
    if replied is None or replied.from_user is None or not replied.from_user.is_bot:
        return False
    person = context.require_person()
    try:
        found = await browsing.reply_target(
            context.runtime.core, person, message.chat_id, replied.message_id
        )
    except AccessRefused as error:
        await refuse(update, context, None, error)
        return True
    if found is None:
        return False
    access, request_id = found.access, found.request_id
    if access.permits(Action.INSTRUCT) and not access.standing.reporter_side:
        kind = PendingInputKind.INSTRUCTION
    elif request_id is not None:
        kind = PendingInputKind.INFO_ANSWER
    else:
        # A photo or pin sent as a reply to the thread is news too, not a new report.
        await _post_news(update, context, found.incident_id)
        return True
    if message.text is None:
        await say(update, context, t.TEXT_EXPECTED)
        return True
    try:
        text = parsing.bounded_text(message.text, *TEXT_KINDS[kind])
    except parsing.InputError as exc:
        await say(update, context, _input_error(exc, context))
        return True
    await _act_on_text(update, context, kind, found.incident_id, request_id, text)
    return True


async def cancel_pending(context: AppContext) -> bool:
    """Forget a pending prompt (for /cancel); True if there was one."""
    return await inputs.clear(context.runtime.core, context.require_person())


def _input_error(error: parsing.InputError, context: AppContext) -> Text:
    """The Thai message for refused text, its examples dated from the deployment's clock."""
    runtime = context.runtime
    return report_texts.input_error(
        error.reason, runtime.clock.now(), runtime.settings.tz, **error.details
    )
