"""The inbox's handler for LINE events: who sent it, and what the event means for them.

Routing: a follow greets a stranger (asking for the code) or welcomes a member back and marks
them reachable again; an unfollow marks a member unreachable; text from a stranger is their
invitation code; anything else from a stranger is refused (audited, answered rarely); a
member's messages and postbacks act as on Telegram (bot/line/members) and come to
`MEMBER_EVENT`. Each handling ends in one `Outcome`, with the Thai reply as a value: the sink
the composition root gives (`replier`) writes it to the outbox, to go out with the event's
reply token while it is good and as a push after that.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum

from bot.line import events as ev
from bot.line import members
from incidents import events
from incidents.actions import Buttons
from incidents.alerts import outcomes
from incidents.core import Core
from incidents.inbox.worker import Handler
from incidents.outbox import queue as outbox
from incidents.outbox import replies
from incidents.outbox.params import DeliveryParams
from incidents.roster import accounts, gate, joining
from incidents.roster.gate import Sender
from incidents.roster.joining import JoinOutcome
from incidents.roster.reach import Screen
from incidents.text import (
    JOIN_EXPIRED,
    JOIN_USED,
    STRANGER_PRESSED_A_BUTTON,
    STRANGER_SENT_NO_TEXT,
)
from incidents.text import line as texts
from incidents.text.fitting import shorten
from incidents.text.rich import Text
from incidents.thaidate import format_datetime
from storage.models import Channel, DeliveryKind, InboxUpdate, Person

log = logging.getLogger(__name__)

# The shape of an invitation code, as Telegram's /start accepts it.
_CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# How much of a stranger's message the admins' notice quotes (as on Telegram).
STRANGER_EXCERPT_LIMIT = 61


class Kind(StrEnum):
    """What handling a LINE event came to."""

    GREETED = "greeted"  # a stranger added the account: asked for their code
    WELCOMED_BACK = "welcomed_back"  # a member added (or unblocked) the account again
    JOINED = "joined"
    JOIN_REFUSED = "join_refused"
    STRANGER_REFUSED = "stranger_refused"
    BLOCKED = "blocked"  # the user blocked the account; nothing can be said
    MEMBER_EVENT = "member_event"  # a member's message or postback, for the LINE features
    IGNORED = "ignored"  # an event type the bot does not use, or not one it can read


@dataclass(frozen=True, slots=True)
class Outcome:
    """One LINE event handled: the reply owed (empty: none), and with what reply token."""

    kind: Kind
    user_id: str
    reply: Text | str = ""
    reply_token: str | None = None
    person: Person | None = None
    join: JoinOutcome | None = None
    event: ev.LineEvent | None = None
    buttons: Buttons = ()  # under the reply (a screen's choices)


Sink = Callable[[Outcome], Awaitable[None]]

_JOIN_REFUSALS = {
    JoinOutcome.UNKNOWN: texts.JOIN_UNKNOWN,
    JoinOutcome.USED: JOIN_USED,
    JoinOutcome.EXPIRED: JOIN_EXPIRED,
    JoinOutcome.INACTIVE: texts.STRANGER_REFUSAL,
    JoinOutcome.ACCOUNT_TAKEN: texts.JOIN_ACCOUNT_TAKEN,
}


def _welcome(person: Person, *, again: bool) -> str:
    return texts.welcome(
        person.name, person.position, person.agency.name, person.roles, again=again
    )


async def route(core: Core, event: ev.LineEvent) -> Outcome:
    """Decide what the event means and do it."""
    account = accounts.line(event.user_id)
    token = getattr(event, "reply_token", None)
    if isinstance(event, ev.UnfollowEvent):
        # A block is a fact whatever the mode: nothing can be pushed to the user any more.
        await outcomes.account_blocked(core, account)
        return Outcome(Kind.BLOCKED, event.user_id, event=event)
    if isinstance(event, ev.OtherEvent) or event.mode != "active":
        # A channel in standby (another module has the chat) must neither answer nor act.
        return Outcome(Kind.IGNORED, event.user_id, event=event)
    if isinstance(event, ev.FollowEvent):
        person = await gate.set_reachable(core, account, reachable=True)
        if person is not None and person.active:
            reply = _welcome(person, again=True)
            return Outcome(Kind.WELCOMED_BACK, event.user_id, reply, token, person, event=event)
        return Outcome(Kind.GREETED, event.user_id, texts.GREETING, token, event=event)
    seen = await gate.identify_account(core, account)
    if seen.sender is Sender.MEMBER:
        assert seen.person is not None
        said = await members.member_event(core, seen.person, event)
        text, buttons = (said.text, said.buttons) if isinstance(said, Screen) else (said, ())
        return Outcome(
            Kind.MEMBER_EVENT, event.user_id, text, token, seen.person, event=event, buttons=buttons
        )
    if isinstance(event, ev.MessageEvent) and isinstance(event.message, ev.TextContent):
        code = event.message.text.strip()
        if _CODE_RE.match(code):
            return await _join(core, event, code)
    noted = await gate.note_stranger_account(core, account)
    if noted.admins:
        notice = texts.admin_stranger_notice(
            event.user_id, _describe(event), format_datetime(noted.at, core.rules.tz)
        )
        # To the admins' Telegram chats, through the outbox, as the Telegram gate does.
        await replies.send(
            core, *(replies.reply(a.chat_id, notice, person_id=a.person_id) for a in noted.admins)
        )
    reply = texts.STRANGER_REFUSAL if noted.answer else ""
    return Outcome(Kind.STRANGER_REFUSED, event.user_id, reply, token, event=event)


def _describe(event: ev.LineEvent) -> str:
    """What a stranger sent, as the admins' notice quotes it."""
    if isinstance(event, ev.PostbackEvent):
        return STRANGER_PRESSED_A_BUTTON
    if isinstance(event, ev.MessageEvent) and isinstance(event.message, ev.TextContent):
        return shorten(event.message.text.strip(), STRANGER_EXCERPT_LIMIT)
    return STRANGER_SENT_NO_TEXT


async def _join(core: Core, event: ev.MessageEvent, code: str) -> Outcome:
    result = await joining.bind(core, code, accounts.line(event.user_id))
    token = event.reply_token
    if result.outcome in _JOIN_REFUSALS:
        reply = _JOIN_REFUSALS[result.outcome]
        return Outcome(Kind.JOIN_REFUSED, event.user_id, reply, token, join=result.outcome)
    assert result.person is not None
    again = result.outcome is JoinOutcome.ALREADY_JOINED
    reply = _welcome(result.person, again=again)
    kind = Kind.WELCOMED_BACK if again else Kind.JOINED
    return Outcome(kind, event.user_id, reply, token, result.person, result.outcome, event)


async def not_sent(outcome: Outcome) -> None:
    """The sink without LINE credentials (nothing can be sent): the reply owed is logged."""
    if outcome.reply:
        log.info("LINE reply for a %s event not sent: LINE is not configured", outcome.kind)


def replier(core: Core) -> Sink:
    """The sink that writes the reply owed to the outbox, claimed for this process to send
    the moment it commits: retried on network errors like any delivery, never lost."""

    async def reply(outcome: Outcome) -> None:
        if not outcome.reply:
            return
        async with core.unit() as uow:
            outbox.enqueue(
                uow.session,
                DeliveryKind.MESSAGE,
                0,
                uow.now,
                person_id=outcome.person.id if outcome.person is not None else None,
                params=DeliveryParams(
                    text=Text(outcome.reply),
                    buttons=outcome.buttons,
                    reply_token=outcome.reply_token or "",
                ),
                send_now=True,
                channel=Channel.LINE,
                address=outcome.user_id,
            )

    return reply


def handler(core: Core, sink: Sink) -> Handler:
    """The inbox handler for channel "line": parse the stored event, route it, hand the
    outcome to `sink`. An event that does not parse is logged and settled, not retried."""

    async def handle(row: InboxUpdate) -> None:
        try:
            event = ev.parse(row.payload)
        except ev.ValidationError as exc:
            log.warning("LINE event %s unreadable: %d error(s)", row.external_id, exc.error_count())
            return
        # Replies made while routing (the admins' notices) are written before this ends.
        async with replies.replying(core):
            with events.via(Channel.LINE.value):
                outcome = await route(core, event)
        log.info("LINE event %s (%s): %s", row.external_id, event.type, outcome.kind)
        await sink(outcome)

    return handle
