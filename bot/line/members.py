"""What a member's LINE messages and postbacks do: acknowledge, instruct, ask, answer a prompt.

The same use cases as the Telegram handlers (handlers/alerts.py, handlers/thread/), reached
from LINE's events: a postback under an alert card carries the core's action (bot/line/codec);
สั่งการ and ขอข้อมูลเพิ่มเติม ask for the text, and the person's next message is it; a message
quoting an alert (`quotedMessageId`) is an instruction about that alert's incident. Every
outcome is a Thai reply, sent with the event's reply token by the caller.
"""

from __future__ import annotations

import logging

from bot.line import cards, codec
from bot.line import events as ev
from incidents.access import AccessRefused
from incidents.actions import AlertAction, AlertVerb, ChooseReach, LinkIncidents
from incidents.alerts import acknowledgement
from incidents.alerts.acknowledgement import AckOutcome
from incidents.audit import ActorSource
from incidents.core import Core
from incidents.policy import Action, Refusal
from incidents.records import sessions
from incidents.related import linking
from incidents.reports import parsing
from incidents.roster import accounts, reach
from incidents.roster.reach import Screen
from incidents.text import alert as alert_texts
from incidents.text import drill as drill_texts
from incidents.text import line as texts
from incidents.text import reach as reach_texts
from incidents.text import related as related_texts
from incidents.text import report as report_texts
from incidents.text import thread as t
from incidents.text import web as web_texts
from incidents.text.rich import Text
from incidents.thaidate import format_time
from incidents.thread import browsing, inputs, prompts
from storage.models import Channel, PendingInputKind, Person

log = logging.getLogger(__name__)

# How long each kind of typed text may be (as on Telegram: handlers/thread/menus.TEXT_KINDS).
_LIMITS = {
    PendingInputKind.INSTRUCTION: t.INSTRUCTION_LIMITS,
    PendingInputKind.INFO_QUESTION: t.INSTRUCTION_LIMITS,
    PendingInputKind.INFO_ANSWER: t.INSTRUCTION_LIMITS,
    PendingInputKind.CLOSE_SUMMARY: t.SUMMARY_LIMITS,
}
_SENT = {
    PendingInputKind.INSTRUCTION: t.INSTRUCTION_SENT,
    PendingInputKind.INFO_QUESTION: t.REQUEST_SENT,
    PendingInputKind.INFO_ANSWER: t.ANSWER_SENT,
}
_PROMPTED = {
    AlertVerb.INSTRUCT: PendingInputKind.INSTRUCTION,
    AlertVerb.REQUEST_INFO: PendingInputKind.INFO_QUESTION,
}


async def member_event(core: Core, person: Person, event: ev.LineEvent) -> Text | Screen:
    """Act on a member's postback or message; the reply to send (a screen has buttons)."""
    try:
        if isinstance(event, ev.PostbackEvent):
            return await _postback(core, person, event.postback.data)
        if isinstance(event, ev.MessageEvent):
            return await _message(core, person, event)
    except AccessRefused as refused:
        log.info("LINE action of person#%s refused: %s", person.id, refused.refusal)
        return Text(t.REFUSALS[refused.refusal])
    return Text()


async def _postback(core: Core, person: Person, data: str) -> Text | Screen:
    action = codec.decode(data)
    if action is None:
        log.info("malformed LINE postback from person#%s", person.id)
        return Text(t.REFUSALS[Refusal.NOT_FOUND])
    if isinstance(action, ChooseReach):
        actor = accounts.line(person.line_user_id or "").actor(person.id)
        return await reach.choose(core, person.id, action.reach, actor)
    if isinstance(action, LinkIncidents):
        done = await linking.link(
            core, person, action.incident_id, action.other_id, ActorSource.LINE
        )
        log.info(
            "LINE link of incidents %s and %s by person#%s: %s",
            action.incident_id,
            action.other_id,
            person.id,
            done.outcome,
        )
        return Text(related_texts.outcome(done, core.rules.tz))
    if not isinstance(action, AlertAction):
        # The buttons of the reporter's side of a thread are never sent on LINE.
        return Text(texts.ACTION_ELSEWHERE)
    if action.verb is AlertVerb.ACKNOWLEDGE:
        result = await acknowledgement.acknowledge_alert(core, person, action.incident_id)
        log.info(
            "LINE ack of incident %s by person#%s: %s",
            action.incident_id,
            person.id,
            result.outcome,
        )
        incident = result.incident
        if result.outcome is AckOutcome.ACKNOWLEDGED or incident.acknowledged_at is None:
            return Text(alert_texts.ACK_DONE)
        who = incident.acknowledged_by.name if incident.acknowledged_by else "-"
        when = format_time(incident.acknowledged_at, core.rules.tz)
        return Text(alert_texts.ACK_ALREADY.format(name=who, time=when))
    kind = _PROMPTED[action.verb]
    allowed = await inputs.start_input(core, person, action.incident_id, kind)
    incident = allowed.incident
    ask = t.ask_instruction if kind is PendingInputKind.INSTRUCTION else t.ask_question
    return drill_texts.marked(ask(incident.reference), incident.drill_id is not None)


async def _message(core: Core, person: Person, event: ev.MessageEvent) -> Text | Screen:
    message = event.message
    awaited = await inputs.awaited(core, person)
    if awaited is not None and awaited.kind in _LIMITS:
        if not isinstance(message, ev.TextContent):
            return Text(t.TEXT_EXPECTED)
        return await _answer(
            core, person, awaited.kind, awaited.incident_id, awaited.request_id, message.text
        )
    if isinstance(message, ev.TextContent) and message.quoted_message_id:
        found = await browsing.quoted_target(core, person, Channel.LINE, message.quoted_message_id)
        directs = found is not None and found.access.permits(Action.INSTRUCT)
        if found is not None and directs and not found.access.standing.reporter_side:
            return await _answer(
                core, person, PendingInputKind.INSTRUCTION, found.incident_id, None, message.text
            )
    if isinstance(message, ev.TextContent):
        said = await _keyword(core, person, message.text.strip())
        if said is not None:
            return said
    return Text(texts.MEMBER_HELP)


async def _keyword(core: Core, person: Person, word: str) -> Text | Screen | None:
    """What a typed word asks for (LINE has no slash commands), or None for no such word."""
    if word in reach_texts.LINE_KEYWORDS:
        return await reach.show(core, person.id)
    if word in texts.OPEN_KEYWORDS:
        shown, _ = await browsing.open_list(core, person, cards.TEXT_LIMIT)
        return shown
    if word in texts.WEB_KEYWORDS:
        base = core.rules.public_base_url
        if not base:
            return Text(web_texts.WEB_OFF)
        issued = await sessions.sign_in_link(core, person.id, base, ActorSource.LINE)
        return web_texts.login_link(issued.url, format_time(issued.expires_at, core.rules.tz))
    return None


async def _answer(
    core: Core,
    person: Person,
    kind: PendingInputKind,
    incident_id: int,
    request_id: int | None,
    value: str,
) -> Text:
    try:
        text = parsing.bounded_text(value, *_LIMITS[kind])
    except parsing.InputError as error:
        return report_texts.input_error(
            error.reason, core.clock.now(), core.rules.tz, **error.details
        )
    done = await prompts.answer(core, person, kind, incident_id, request_id, text)
    if done.kind is PendingInputKind.CLOSE_SUMMARY:
        return drill_texts.marked(t.closed_ok(done.reference), done.drill)
    log.info("LINE %s on incident %s by person#%s", done.kind, incident_id, person.id)
    return Text(_SENT[done.kind])
