"""Messages that answer a prompt, or reply to a message of an incident's thread."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot.policy import Action
from bot.reports import parsing
from bot.runtime import AppContext
from bot.services import audit
from bot.texts import thread as t
from bot.texts.report import input_error
from bot.thread.service import ThreadError
from handlers.report import attachments
from handlers.thread.menus import TEXT_KINDS, button, refuse
from storage.models import PendingInputKind


async def handle_message(update: Update, context: AppContext) -> bool:
    """Take a message that answers a prompt or replies to an incident's thread; False if not."""
    message = update.effective_message
    assert message is not None
    person = context.require_person()
    runtime = context.runtime
    now = runtime.clock.now()
    async with audit.unit_of_work(runtime.db) as session:
        pending = await runtime.thread.pending(session, person, now)
        kind = pending.kind if pending else None
        incident_id = pending.incident_id if pending else None
        request_id = pending.request_id if pending else None
    if kind is None:
        return await handle_reply(update, context)
    assert incident_id is not None
    if kind is PendingInputKind.UPDATE:
        await _post_news(update, context, incident_id)
        return True
    if message.text is None:
        await message.reply_text(t.TEXT_EXPECTED)
        return True
    try:
        text = parsing.bounded_text(message.text, *TEXT_KINDS[kind])
    except parsing.InputError as exc:
        await message.reply_text(input_error(exc.reason, **exc.details))
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
    message = update.effective_message
    assert message is not None
    person = context.require_person()
    runtime = context.runtime
    now = runtime.clock.now()
    thread = runtime.thread
    try:
        async with audit.unit_of_work(runtime.db) as session:
            if kind is PendingInputKind.INSTRUCTION:
                await thread.instruct(session, incident_id, person, text, now)
                reply = t.INSTRUCTION_SENT
            elif kind is PendingInputKind.INFO_QUESTION:
                await thread.request_info(session, incident_id, person, text, now)
                reply = t.REQUEST_SENT
            elif kind is PendingInputKind.INFO_ANSWER:
                assert request_id is not None
                await thread.answer_info(session, request_id, person, text, now)
                reply = t.ANSWER_SENT
            else:
                incident = await thread.close(session, incident_id, person, text, now)
                reply = t.CLOSED_OK.format(reference=incident.reference)
            await thread.clear(session, person)
    except ThreadError as error:
        async with audit.unit_of_work(runtime.db) as session:
            await thread.clear(session, person)
        await refuse(message, None, error)
        return
    await message.reply_text(reply)


async def _post_news(update: Update, context: AppContext, incident_id: int) -> None:
    """Send the reporter's text, file or location as news about the incident."""
    message = update.effective_message
    assert message is not None
    person = context.require_person()
    runtime = context.runtime
    incoming = attachments.attachment_of(message)
    attachment_id: int | None = None
    text = parsing.clean_text(message.text or message.caption or "")
    location = None
    if message.location is not None:
        location = (message.location.latitude, message.location.longitude)
    if incoming is None and location is None and not text:
        await message.reply_text(t.TEXT_EXPECTED)
        return
    now = runtime.clock.now()
    try:
        if incoming is not None:
            # Refuse before fetching anything: a refused file must leave no trace but the audit.
            async with audit.unit_of_work(runtime.db) as session:
                await runtime.thread.may_post_update(session, incident_id, person, now)
    except ThreadError as error:
        await refuse(message, None, error)
        return
    # Fetch the file before the transaction: no network wait while holding a write lock.
    stored = await attachments.download(context, incoming) if incoming is not None else None
    try:
        async with audit.unit_of_work(runtime.db) as session:
            if incoming is not None:
                row = attachments.attachment_row(
                    incoming, stored, message.caption, now, incident_id=incident_id
                )
                session.add(row)
                await session.flush()
                attachment_id = row.id
            await runtime.thread.post_update(
                session,
                incident_id,
                person,
                now,
                text=text[:3500],
                attachment_id=attachment_id,
                location=location,
            )
    except ThreadError as error:
        await refuse(message, None, error)
        return
    done = InlineKeyboardMarkup([[button(t.BUTTON_DONE, f"t|{incident_id}|done")]])
    await message.reply_text(t.NEWS_SENT, reply_markup=done)


async def handle_reply(update: Update, context: AppContext) -> bool:
    """A Telegram reply to a message of an incident's thread: an instruction from an
    executive who had the alert, or news or an answer from the reporter's side."""
    message = update.effective_message
    assert message is not None
    replied = message.reply_to_message
    if replied is None or replied.from_user is None or not replied.from_user.is_bot:
        return False
    if message.text is None:
        return False
    person = context.require_person()
    runtime = context.runtime
    now = runtime.clock.now()
    try:
        async with audit.unit_of_work(runtime.db) as session:
            found = await runtime.thread.delivery_of_message(
                session, message.chat_id, replied.message_id
            )
            if found is None or found.incident_id is None:
                return False
            access = await runtime.thread.authorize(
                session, found.incident_id, person, Action.VIEW, now
            )
    except ThreadError as error:
        await refuse(message, None, error)
        return True
    request_id = runtime.thread.request_in(found)
    if access.permits(Action.INSTRUCT) and not access.standing.reporter_side:
        kind = PendingInputKind.INSTRUCTION
    elif request_id is not None:
        kind = PendingInputKind.INFO_ANSWER
    else:
        await _post_news(update, context, found.incident_id)
        return True
    try:
        text = parsing.bounded_text(message.text, *TEXT_KINDS[kind])
    except parsing.InputError as exc:
        await message.reply_text(input_error(exc.reason, **exc.details))
        return True
    await _act_on_text(update, context, kind, found.incident_id, request_id, text)
    return True


async def cancel_pending(context: AppContext) -> bool:
    """Forget a pending prompt (for /cancel); True if there was one."""
    async with audit.unit_of_work(context.runtime.db) as session:
        return await context.runtime.thread.clear(session, context.require_person())
