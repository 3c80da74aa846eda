"""After the alert: /update, /open, the thread buttons, and messages that answer a prompt.

What a person's next message means (news, an instruction, a question, an answer, a closing
summary) is stored as their pending input, so the conversation survives restarts like drafts.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.reports import parsing
from bot.runtime import AppContext
from bot.texts import thread as t
from bot.texts.report import input_error
from bot.thread.service import Access, Refusal, ThreadError
from handlers.report import attachments
from storage.models import Attachment, IncidentStatus, PendingInputKind, Person, Role

log = logging.getLogger(__name__)

# A refused action still commits its audit entry.
KEEP_REFUSALS = (ThreadError,)
TEXT_KINDS = {
    PendingInputKind.INSTRUCTION: t.INSTRUCTION_LIMITS,
    PendingInputKind.INFO_QUESTION: t.INSTRUCTION_LIMITS,
    PendingInputKind.INFO_ANSWER: t.INSTRUCTION_LIMITS,
    PendingInputKind.CLOSE_SUMMARY: t.SUMMARY_LIMITS,
}
_STATUS_BUTTONS = (
    (IncidentStatus.IN_PROGRESS, "▶️ "),
    (IncidentStatus.UNDER_CONTROL, "🟢 "),
    (IncidentStatus.RESOLVED, "✔️ "),
)


def _button(label: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=data)


def menu_markup(access: Access, person: Person) -> InlineKeyboardMarkup | None:
    """What this person can do with this incident now."""
    incident = access.incident
    i = incident.id
    rows: list[list[InlineKeyboardButton]] = []
    closed = incident.status is IncidentStatus.CLOSED
    if closed:
        if access.is_recipient and person.has_role(Role.EXECUTIVE):
            rows.append([_button(t.BUTTON_REOPEN, f"t|{i}|reopen")])
        return InlineKeyboardMarkup(rows) if rows else None
    if access.is_reporter_side:
        rows.append([_button(t.BUTTON_SEND_NEWS, f"t|{i}|news")])
        rows.append(
            [
                _button(icon + t.STATUS_LABELS[status], f"t|{i}|st:{status.value}")
                for status, icon in _STATUS_BUTTONS
            ]
        )
    if access.is_recipient:
        rows.append(
            [
                _button(t.BUTTON_INSTRUCT, f"t|{i}|instruct"),
                _button(t.BUTTON_REQUEST, f"t|{i}|info"),
            ]
        )
    rows.append([_button(t.BUTTON_CLOSE, f"t|{i}|close")])
    return InlineKeyboardMarkup(rows)


async def _refuse(
    target: Message | None,
    query_answer: Callable[..., Awaitable[object]] | None,
    error: ThreadError,
) -> None:
    text = t.REFUSALS[error.refusal.value]
    if query_answer is not None:
        await query_answer(text, show_alert=True)
    elif target is not None:
        await target.reply_text(text)


# ------------------------------------------------------------------- commands
async def open_command(update: Update, context: AppContext) -> None:
    """List the open incidents the person may see, each with a button to act on it."""
    message = update.effective_message
    assert message is not None
    person = context.require_person()
    runtime = context.runtime
    async with runtime.db.read() as session:
        incidents = await runtime.thread.open_incidents(session, person)
    if not incidents:
        await message.reply_text(t.NO_OPEN_INCIDENTS)
        return
    now = runtime.clock.now()
    lines = [
        t.open_list_item(
            i.reference,
            t.age(i.created_at, now),
            t.urgency_label(i.urgency),
            i.status,
            i.acknowledged_at is not None,
            i.place[:60],
        )
        for i in incidents
    ]
    buttons = [[_button(f"{i.reference}", f"t|{i.id}|menu")] for i in incidents[:10]]
    await message.reply_text("\n".join(lines), reply_markup=InlineKeyboardMarkup(buttons))


async def update_command(update: Update, context: AppContext) -> None:
    """Pick one of the reporter's open incidents to send news about."""
    message = update.effective_message
    assert message is not None
    person = context.require_person()
    runtime = context.runtime
    async with runtime.db.read() as session:
        incidents = [
            i
            for i in await runtime.thread.open_incidents(session, person)
            if i.agency_id == person.agency_id
        ]
    if not person.has_role(Role.REPORTER) or not incidents:
        await message.reply_text(t.NOTHING_FOR_YOU)
        return
    buttons = [[_button(f"{i.reference} · {i.place[:30]}", f"t|{i.id}|menu")] for i in incidents]
    await message.reply_text(t.CHOOSE_INCIDENT, reply_markup=InlineKeyboardMarkup(buttons))


# ------------------------------------------------------------------- buttons
async def on_thread_button(update: Update, context: AppContext) -> None:
    """Menu, news, status, instruct, request, close and reopen buttons (`t|<id>|<action>`)."""
    query = update.callback_query
    assert query is not None
    parts = (query.data or "").split("|")
    if len(parts) != 3 or not parts[1].isdigit() or len(parts[1]) > 12:
        await query.answer(t.REFUSALS["not_found"], show_alert=True)
        return
    incident_id, action = int(parts[1]), parts[2]
    person = context.require_person()
    runtime = context.runtime
    now = runtime.clock.now()
    thread = runtime.thread
    chat_id = person.telegram_user_id
    assert chat_id is not None
    try:
        async with runtime.db.write(keep_on=KEEP_REFUSALS) as session:
            access = await thread.access(session, incident_id, person, action, now)
            reference = access.incident.reference
            reply: str | None = None
            markup: InlineKeyboardMarkup | None = None
            if action == "menu":
                reply = f"<b>{reference}</b> · {t.STATUS_LABELS[access.incident.status]}"
                markup = menu_markup(access, person)
            elif action == "news":
                _require_open_side(access)
                await thread.expect(session, person, PendingInputKind.UPDATE, incident_id, now)
                reply = t.ASK_NEWS.format(reference=reference)
                markup = InlineKeyboardMarkup([[_button(t.BUTTON_DONE, f"t|{incident_id}|done")]])
            elif action == "done":
                await thread.clear(session, person)
                reply = t.NEWS_DONE
            elif action.startswith("st:"):
                status = _status(action[3:])
                await thread.change_status(session, incident_id, person, status, now)
                reply = t.STATUS_OK.format(status=t.STATUS_LABELS[status])
            elif action in ("close", "instruct", "info"):
                kind = {
                    "close": PendingInputKind.CLOSE_SUMMARY,
                    "instruct": PendingInputKind.INSTRUCTION,
                    "info": PendingInputKind.INFO_QUESTION,
                }[action]
                _require_for(access, kind)
                await thread.expect(session, person, kind, incident_id, now)
                reply, markup = _prompt(kind, incident_id, reference)
            elif action == "noq":
                await thread.request_info(session, incident_id, person, "", now)
                await thread.clear(session, person)
                reply = t.REQUEST_SENT
            elif action == "reopen":
                await thread.reopen(session, incident_id, person, now)
                reply = t.REOPENED_OK.format(reference=reference)
            else:
                reply = t.REFUSALS["not_found"]
    except ThreadError as error:
        log.info(
            "thread %s on incident %s refused for person#%s: %s",
            action,
            incident_id,
            person.id,
            error.refusal,
        )
        await _refuse(None, query.answer, error)
        return
    await query.answer()
    if reply is not None:
        await context.bot.send_message(chat_id, reply, reply_markup=markup)


def _status(value: str) -> IncidentStatus:
    try:
        return IncidentStatus(value)
    except ValueError:
        return IncidentStatus.CLOSED  # refused by the service as not a reporter status


def _prompt(
    kind: PendingInputKind, incident_id: int, reference: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    if kind is PendingInputKind.CLOSE_SUMMARY:
        return t.ASK_SUMMARY.format(reference=reference), None
    if kind is PendingInputKind.INSTRUCTION:
        return t.ASK_INSTRUCTION.format(reference=reference), None
    return t.ASK_QUESTION.format(reference=reference), InlineKeyboardMarkup(
        [[_button(t.BUTTON_NO_QUESTION, f"t|{incident_id}|noq")]]
    )


def _require_open_side(access: Access) -> None:
    """News comes from the incident's own agency, while it is open."""
    if not access.is_reporter_side:
        raise ThreadError(Refusal.NOT_ALLOWED)
    if access.incident.status is IncidentStatus.CLOSED:
        raise ThreadError(Refusal.CLOSED)


def _require_for(access: Access, kind: PendingInputKind) -> None:
    """Instructions and requests come from recipients; closing from either side."""
    if access.incident.status is IncidentStatus.CLOSED:
        raise ThreadError(Refusal.CLOSED)
    if kind in (PendingInputKind.INSTRUCTION, PendingInputKind.INFO_QUESTION):
        if not access.is_recipient:
            raise ThreadError(Refusal.NOT_RECIPIENT)
    elif not (access.is_recipient or access.is_reporter_side):
        raise ThreadError(Refusal.NOT_ALLOWED)


async def start_prompt(
    update: Update, context: AppContext, incident_id: int, kind: PendingInputKind
) -> None:
    """From an alert's สั่งการ / ขอข้อมูลเพิ่มเติม: ask in the person's private chat."""
    query = update.callback_query
    assert query is not None
    person = context.require_person()
    runtime = context.runtime
    now = runtime.clock.now()
    action = "instruct" if kind is PendingInputKind.INSTRUCTION else "info"
    try:
        async with runtime.db.write(keep_on=KEEP_REFUSALS) as session:
            access = await runtime.thread.access(session, incident_id, person, action, now)
            _require_for(access, kind)
            await runtime.thread.expect(session, person, kind, incident_id, now)
    except ThreadError as error:
        await _refuse(None, query.answer, error)
        return
    await query.answer()
    assert person.telegram_user_id is not None
    text, markup = _prompt(kind, incident_id, access.incident.reference)
    await context.bot.send_message(person.telegram_user_id, text, reply_markup=markup)


async def on_instruction_ack(update: Update, context: AppContext) -> None:
    """The reporter acknowledges an instruction (`i|<instruction id>`)."""
    query = update.callback_query
    assert query is not None
    raw = (query.data or "").removeprefix("i|")
    if not raw.isdigit() or len(raw) > 12:
        await query.answer(t.REFUSALS["not_found"], show_alert=True)
        return
    person = context.require_person()
    runtime = context.runtime
    try:
        async with runtime.db.write(keep_on=KEEP_REFUSALS) as session:
            await runtime.thread.acknowledge_instruction(
                session, int(raw), person, runtime.clock.now()
            )
    except ThreadError as error:
        await _refuse(None, query.answer, error)
        return
    await query.answer(t.INSTRUCTION_ACK_OK)
    await _drop_buttons(query.message)


async def on_answer_button(update: Update, context: AppContext) -> None:
    """The reporter starts answering a request for information (`q|<request id>`)."""
    query = update.callback_query
    assert query is not None
    raw = (query.data or "").removeprefix("q|")
    if not raw.isdigit() or len(raw) > 12:
        await query.answer(t.REFUSALS["not_found"], show_alert=True)
        return
    person = context.require_person()
    runtime = context.runtime
    now = runtime.clock.now()
    try:
        async with runtime.db.write(keep_on=KEEP_REFUSALS) as session:
            request = await runtime.thread.info_request(session, int(raw), person, now)
            await runtime.thread.expect(
                session,
                person,
                PendingInputKind.INFO_ANSWER,
                request.incident_id,
                now,
                request_id=request.id,
            )
            reference = (
                await runtime.thread.access(
                    session, request.incident_id, person, "info_answer", now
                )
            ).incident.reference
    except ThreadError as error:
        await _refuse(None, query.answer, error)
        return
    await query.answer()
    assert person.telegram_user_id is not None
    await context.bot.send_message(
        person.telegram_user_id, t.ASK_ANSWER.format(reference=reference)
    )


async def _drop_buttons(message: object) -> None:
    if isinstance(message, Message) and message.reply_markup is not None:
        try:
            await message.edit_reply_markup(None)
        except BadRequest as exc:
            log.debug("could not remove buttons: %s", exc)


# ------------------------------------------------------------------ messages
async def handle_message(update: Update, context: AppContext) -> bool:
    """Take a message that answers a prompt or replies to an incident's thread; False if not."""
    message = update.effective_message
    assert message is not None
    person = context.require_person()
    runtime = context.runtime
    now = runtime.clock.now()
    async with runtime.db.write(keep_on=KEEP_REFUSALS) as session:
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
        async with runtime.db.write(keep_on=KEEP_REFUSALS) as session:
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
        async with runtime.db.write(keep_on=KEEP_REFUSALS) as session:
            await thread.clear(session, person)
        await _refuse(message, None, error)
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
        async with runtime.db.write(keep_on=KEEP_REFUSALS) as session:
            if incoming is not None:
                stored = await attachments.download(context, incoming)
                row = Attachment(
                    incident_id=incident_id,
                    kind=incoming.kind,
                    telegram_file_id=incoming.file_id,
                    telegram_file_unique_id=incoming.unique_id,
                    file_name=incoming.file_name,
                    mime_type=incoming.mime_type,
                    size=stored.size if stored else incoming.size,
                    sha256=stored.sha256 if stored else None,
                    stored_path=stored.relative_path if stored else None,
                    caption=(message.caption or "")[:1024],
                    created_at=now,
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
        await _refuse(message, None, error)
        return
    done = InlineKeyboardMarkup([[_button(t.BUTTON_DONE, f"t|{incident_id}|done")]])
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
    async with runtime.db.read() as session:
        found = await runtime.thread.delivery_of_message(
            session, message.chat_id, replied.message_id
        )
        if found is None or found.incident_id is None:
            return False
        try:
            access = await runtime.thread.access(session, found.incident_id, person, "reply", now)
        except ThreadError as error:
            await _refuse(message, None, error)
            return True
    request_id = runtime.thread.request_in(found)
    if access.is_recipient and not access.is_reporter_side:
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
    async with context.runtime.db.write(keep_on=KEEP_REFUSALS) as session:
        return await context.runtime.thread.clear(session, context.require_person())


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add /update, /open and the thread buttons (messages come through handlers/router.py)."""
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler("update", update_command, filters=private))
    application.add_handler(CommandHandler("open", open_command, filters=private))
    application.add_handler(CallbackQueryHandler(on_thread_button, pattern=r"^t\|"))
    application.add_handler(CallbackQueryHandler(on_instruction_ack, pattern=r"^i\|"))
    application.add_handler(CallbackQueryHandler(on_answer_button, pattern=r"^q\|"))
