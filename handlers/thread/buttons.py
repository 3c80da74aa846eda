"""The thread's buttons: menu, news, status, instruct, request, close, reopen, acknowledge."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.runtime import AppContext
from bot.services import audit
from bot.texts import thread as t
from bot.texts.labels import STATUS_LABELS
from bot.thread.service import ThreadError
from handlers.thread.menus import (
    button,
    menu_markup,
    prompt_for,
    refuse,
    require_for,
    require_open_side,
)
from storage.models import IncidentStatus, PendingInputKind

log = logging.getLogger(__name__)


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
        async with audit.unit_of_work(runtime.db) as session:
            access = await thread.access(session, incident_id, person, action, now)
            reference = access.incident.reference
            reply: str | None = None
            markup: InlineKeyboardMarkup | None = None
            if action == "menu":
                reply = f"<b>{reference}</b> · {STATUS_LABELS[access.incident.status]}"
                markup = menu_markup(access, person)
            elif action == "news":
                require_open_side(access)
                await thread.expect(session, person, PendingInputKind.UPDATE, incident_id, now)
                reply = t.ASK_NEWS.format(reference=reference)
                markup = InlineKeyboardMarkup([[button(t.BUTTON_DONE, f"t|{incident_id}|done")]])
            elif action == "done":
                await thread.clear(session, person)
                reply = t.NEWS_DONE
            elif action.startswith("st:"):
                status = _status(action[3:])
                await thread.change_status(session, incident_id, person, status, now)
                reply = t.STATUS_OK.format(status=STATUS_LABELS[status])
            elif action in ("close", "instruct", "info"):
                kind = {
                    "close": PendingInputKind.CLOSE_SUMMARY,
                    "instruct": PendingInputKind.INSTRUCTION,
                    "info": PendingInputKind.INFO_QUESTION,
                }[action]
                require_for(access, kind)
                await thread.expect(session, person, kind, incident_id, now)
                reply, markup = prompt_for(kind, incident_id, reference)
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
        await refuse(None, query.answer, error)
        return
    await query.answer()
    if reply is not None:
        await context.bot.send_message(chat_id, reply, reply_markup=markup)


def _status(value: str) -> IncidentStatus:
    try:
        return IncidentStatus(value)
    except ValueError:
        return IncidentStatus.CLOSED  # refused by the service as not a reporter status


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
        async with audit.unit_of_work(runtime.db) as session:
            access = await runtime.thread.access(session, incident_id, person, action, now)
            require_for(access, kind)
            await runtime.thread.expect(session, person, kind, incident_id, now)
    except ThreadError as error:
        await refuse(None, query.answer, error)
        return
    await query.answer()
    assert person.telegram_user_id is not None
    text, markup = prompt_for(kind, incident_id, access.incident.reference)
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
        async with audit.unit_of_work(runtime.db) as session:
            await runtime.thread.acknowledge_instruction(
                session, int(raw), person, runtime.clock.now()
            )
    except ThreadError as error:
        await refuse(None, query.answer, error)
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
        async with audit.unit_of_work(runtime.db) as session:
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
        await refuse(None, query.answer, error)
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
