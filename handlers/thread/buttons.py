"""The thread's buttons: menu, news, status, instruct, request, close, reopen, acknowledge."""

from __future__ import annotations

import logging

from telegram import Update

from bot.runtime import AppContext
from handlers import codec
from handlers.replying import answer, drop_buttons, say_to
from handlers.thread.menus import (
    about,
    menu_markup,
    prompt_for,
    refuse,
    thread_button,
)
from incidents.access import AccessRefused
from incidents.actions import (
    AcknowledgeInstruction,
    AnswerRequest,
    Buttons,
    ThreadAction,
    ThreadVerb,
)
from incidents.policy import Refusal
from incidents.text import thread as t
from incidents.text.labels import STATUS_LABELS
from incidents.text.rich import Text, b
from incidents.thread import browsing, directing, inputs, lifecycle, news
from storage.models import IncidentStatus, PendingInputKind

log = logging.getLogger(__name__)

_INPUT_BUTTONS = {
    ThreadVerb.NEWS: PendingInputKind.UPDATE,
    ThreadVerb.CLOSE: PendingInputKind.CLOSE_SUMMARY,
    ThreadVerb.INSTRUCT: PendingInputKind.INSTRUCTION,
    ThreadVerb.REQUEST_INFO: PendingInputKind.INFO_QUESTION,
}


async def on_thread_button(update: Update, context: AppContext) -> None:
    """Take a menu, news, status, instruct, request, close or reopen button."""
    query = update.callback_query
    assert query is not None
    action = codec.decode(query.data or "")
    if not isinstance(action, ThreadAction):
        await answer(query, t.REFUSALS[Refusal.NOT_FOUND], show_alert=True)
        return
    person = context.require_person()
    chat_id = person.telegram_user_id
    assert chat_id is not None
    try:
        reply, buttons = await _thread_action(context, action)
    except AccessRefused as error:
        log.info(
            "thread %s on incident %s refused for person#%s: %s",
            action.verb,
            action.incident_id,
            person.id,
            error.refusal,
        )
        await refuse(update, context, query, error)
        return
    await answer(query)
    await say_to(context, chat_id, reply, buttons=buttons, person_id=person.id)


async def _thread_action(context: AppContext, action: ThreadAction) -> tuple[Text | str, Buttons]:
    """Take one thread button's action; return the reply for the person's chat."""
    person = context.require_person()
    core = context.runtime.core
    incident_id, verb = action.incident_id, action.verb
    if verb is ThreadVerb.MENU:
        access = await browsing.menu(core, person, incident_id)
        status = STATUS_LABELS[access.incident.status]
        title = Text(b(access.incident.reference), f" · {status}")
        return about(access.incident, title), menu_markup(access)
    if verb is ThreadVerb.DONE:
        await news.done(core, person)
        return t.NEWS_DONE, ()
    if verb is ThreadVerb.STATUS:
        # A status the codec could not name is refused by the core as not a reporter's.
        status = action.status or IncidentStatus.CLOSED
        await news.change_status(core, person, incident_id, status)
        return t.STATUS_OK.format(status=STATUS_LABELS[status]), ()
    if verb in _INPUT_BUTTONS:
        kind = _INPUT_BUTTONS[verb]
        access = await inputs.start_input(core, person, incident_id, kind)
        if kind is PendingInputKind.UPDATE:
            done = thread_button(t.BUTTON_DONE, incident_id, ThreadVerb.DONE)
            return about(access.incident, t.ask_news(access.incident.reference)), ((done,),)
        return prompt_for(kind, access.incident)
    if verb is ThreadVerb.NO_QUESTION:
        await directing.request_info(core, person, incident_id, "")
        return t.REQUEST_SENT, ()
    if verb is ThreadVerb.REOPEN:
        incident = await lifecycle.reopen(core, person, incident_id)
        return about(incident, t.reopened_ok(incident.reference)), ()
    return t.REFUSALS[Refusal.NOT_FOUND], ()


async def start_prompt(
    update: Update, context: AppContext, incident_id: int, kind: PendingInputKind
) -> None:
    """From an alert's สั่งการ / ขอข้อมูลเพิ่มเติม: ask in the person's private chat."""
    query = update.callback_query
    assert query is not None
    person = context.require_person()
    try:
        access = await inputs.start_input(context.runtime.core, person, incident_id, kind)
    except AccessRefused as error:
        await refuse(update, context, query, error)
        return
    await answer(query)
    assert person.telegram_user_id is not None
    text, buttons = prompt_for(kind, access.incident)
    await say_to(context, person.telegram_user_id, text, buttons=buttons, person_id=person.id)


async def on_instruction_ack(update: Update, context: AppContext) -> None:
    """The reporter acknowledges an instruction."""
    query = update.callback_query
    assert query is not None
    action = codec.decode(query.data or "")
    if not isinstance(action, AcknowledgeInstruction):
        await answer(query, t.REFUSALS[Refusal.NOT_FOUND], show_alert=True)
        return
    person = context.require_person()
    try:
        await directing.acknowledge_instruction(context.runtime.core, person, action.instruction_id)
    except AccessRefused as error:
        await refuse(update, context, query, error)
        return
    await answer(query, t.INSTRUCTION_ACK_OK)
    await drop_buttons(query.message)


async def on_answer_button(update: Update, context: AppContext) -> None:
    """The reporter starts answering a request for information."""
    query = update.callback_query
    assert query is not None
    action = codec.decode(query.data or "")
    if not isinstance(action, AnswerRequest):
        await answer(query, t.REFUSALS[Refusal.NOT_FOUND], show_alert=True)
        return
    person = context.require_person()
    try:
        access = await inputs.start_answer(context.runtime.core, person, action.request_id)
    except AccessRefused as error:
        await refuse(update, context, query, error)
        return
    await answer(query)
    assert person.telegram_user_id is not None
    asked = about(access.incident, t.ask_answer(access.incident.reference))
    await say_to(context, person.telegram_user_id, asked, person_id=person.id)
