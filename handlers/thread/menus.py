"""Menus and prompts of the thread, and the /open and /update commands."""

from __future__ import annotations

from telegram import CallbackQuery, Update

from bot.runtime import AppContext
from handlers.replying import answer, say
from incidents.access import Access, AccessRefused
from incidents.actions import Button, Buttons, ThreadAction, ThreadVerb
from incidents.policy import Action
from incidents.text import drill as drill_texts
from incidents.text import thread as t
from incidents.text.fitting import TELEGRAM_TEXT_LIMIT, shorten
from incidents.text.labels import STATUS_LABELS
from incidents.text.rich import Text
from incidents.thread import browsing
from storage.models import Incident, IncidentStatus, PendingInputKind, Role

TEXT_KINDS = {
    PendingInputKind.INSTRUCTION: t.INSTRUCTION_LIMITS,
    PendingInputKind.INFO_QUESTION: t.INSTRUCTION_LIMITS,
    PendingInputKind.INFO_ANSWER: t.INSTRUCTION_LIMITS,
    PendingInputKind.CLOSE_SUMMARY: t.SUMMARY_LIMITS,
}
# Places are cut to this length on /update's buttons.
BUTTON_PLACE_LIMIT = 30

_STATUS_BUTTONS = (
    (IncidentStatus.IN_PROGRESS, "▶️ "),
    (IncidentStatus.UNDER_CONTROL, "🟢 "),
    (IncidentStatus.RESOLVED, "✔️ "),
)


def thread_button(
    label: str, incident_id: int, verb: ThreadVerb, status: IncidentStatus | None = None
) -> Button:
    """A button of an incident's thread."""
    return Button(
        label=label, action=ThreadAction(incident_id=incident_id, verb=verb, status=status)
    )


def menu_markup(access: Access) -> Buttons:
    """What this person can do with this incident now: a button per action the policy allows."""
    i = access.incident.id
    rows: list[tuple[Button, ...]] = []
    if access.permits(Action.REOPEN):
        rows.append((thread_button(t.BUTTON_REOPEN, i, ThreadVerb.REOPEN),))
    if access.permits(Action.POST_UPDATE):
        rows.append((thread_button(t.BUTTON_SEND_NEWS, i, ThreadVerb.NEWS),))
    if access.permits(Action.CHANGE_STATUS):
        rows.append(
            tuple(
                thread_button(icon + STATUS_LABELS[status], i, ThreadVerb.STATUS, status)
                for status, icon in _STATUS_BUTTONS
            )
        )
    directing = [
        thread_button(label, i, verb)
        for action, label, verb in (
            (Action.INSTRUCT, t.BUTTON_INSTRUCT, ThreadVerb.INSTRUCT),
            (Action.REQUEST_INFO, t.BUTTON_REQUEST, ThreadVerb.REQUEST_INFO),
        )
        if access.permits(action)
    ]
    if directing:
        rows.append(tuple(directing))
    if access.permits(Action.CLOSE):
        rows.append((thread_button(t.BUTTON_CLOSE, i, ThreadVerb.CLOSE),))
    return tuple(rows)


async def refuse(
    update: Update, context: AppContext, query: CallbackQuery | None, error: AccessRefused
) -> None:
    """Say why the person may not: on the pressed button's answer, else in the chat."""
    text = t.REFUSALS[error.refusal]
    if query is not None:
        await answer(query, text, show_alert=True)
    else:
        await say(update, context, text)


def about(incident: Incident, text: Text) -> Text:
    """A reply about one incident; a drill incident's leads with the mark."""
    return drill_texts.marked(text, incident.drill_id is not None)


def prompt_for(kind: PendingInputKind, incident: Incident) -> tuple[Text, Buttons]:
    """The question for a pending input of `kind` about the incident, and its buttons."""
    reference = incident.reference
    if kind is PendingInputKind.CLOSE_SUMMARY:
        return about(incident, t.ask_summary(reference)), ()
    if kind is PendingInputKind.INSTRUCTION:
        return about(incident, t.ask_instruction(reference)), ()
    no_question = thread_button(t.BUTTON_NO_QUESTION, incident.id, ThreadVerb.NO_QUESTION)
    return about(incident, t.ask_question(reference)), ((no_question,),)


async def open_command(update: Update, context: AppContext) -> None:
    """List the open incidents the person may see, each with a button to act on it."""
    person = context.require_person()
    shown, incidents = await browsing.open_list(context.runtime.core, person, TELEGRAM_TEXT_LIMIT)
    buttons = tuple((thread_button(i.reference, i.id, ThreadVerb.MENU),) for i in incidents[:10])
    await say(update, context, shown, buttons=buttons)


async def update_command(update: Update, context: AppContext) -> None:
    """Pick one of the reporter's open incidents to send news about."""
    person = context.require_person()
    runtime = context.runtime
    incidents = [
        i
        for i in await browsing.open_incidents(runtime.core, person)
        if i.agency_id == person.agency_id
    ]
    if not person.has_role(Role.REPORTER) or not incidents:
        await say(update, context, t.NOTHING_FOR_YOU)
        return
    buttons = tuple(
        (
            thread_button(
                f"{i.reference} · {shorten(i.place, BUTTON_PLACE_LIMIT)}", i.id, ThreadVerb.MENU
            ),
        )
        for i in incidents
    )
    await say(update, context, t.CHOOSE_INCIDENT, buttons=buttons)
