"""Replies to people, sent durably through the outbox and atomically with what they report.

While an update is handled, the replies it makes are buffered in a scope (a context variable,
so each update's task has its own). Every unit of work committed in the scope (Core.unit)
writes the replies buffered so far as outbox rows in its own transaction; `flush` writes the
rest in one last small unit when the handling ends. The inbox's Telegram handler opens one
scope around each update (`replying`). Outside a scope (jobs such as expiring drafts, the CLI)
a reply is written at once in a unit of its own. The delivery loop sends the rows and retries
them with back-off, so a network error delays a reply instead of losing it.

Replies to one chat go out in the order they were made: they share the chat's lane, and only
the first of them is sent on the fast path, and only when nothing is pending in that chat
already; the rest wait behind it in the queue.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.actions import Buttons, ReplyKeyboard
from incidents.outbox import queue
from incidents.outbox.params import DeliveryParams, text_of_html
from incidents.text.rich import Text
from storage.models import Delivery, DeliveryKind, DeliveryStatus

if TYPE_CHECKING:
    from incidents.core import Core


@dataclass(frozen=True, slots=True)
class Reply:
    """One message to a person's chat: a text with inline buttons, or with a keyboard of the
    channel's own in place of the person's (the two cannot go on one message)."""

    chat_id: int
    text: Text
    buttons: Buttons = ()
    keyboard: ReplyKeyboard = ReplyKeyboard.NONE
    person_id: int | None = None

    def __post_init__(self) -> None:
        if self.buttons and self.keyboard is not ReplyKeyboard.NONE:
            raise ValueError("a reply carries inline buttons or a keyboard, not both")


def reply(
    chat_id: int,
    text: Text | str,
    *,
    buttons: Buttons = (),
    keyboard: ReplyKeyboard = ReplyKeyboard.NONE,
    person_id: int | None = None,
) -> Reply:
    """A reply; a `str` is catalogue text in Telegram HTML, as the catalogue writes it."""
    rich = text if isinstance(text, Text) else text_of_html(text)
    return Reply(chat_id, rich, buttons, keyboard, person_id)


def lane_of(chat_id: int) -> str:
    """The lane of the replies to one chat (rows of a lane go out in order)."""
    return queue.default_lane(chat_id, None)


@dataclass(slots=True)
class Scope:
    """The replies of the update being handled that are not written yet."""

    pending: list[Reply] = field(default_factory=list)
    # Whether the person has been told of an unexpected error (at most once per update).
    error_told: bool = False


_SCOPE: ContextVar[Scope | None] = ContextVar("reply_scope", default=None)


def open_scope() -> Scope:
    """Start buffering the replies of the update about to be handled (in this task)."""
    scope = Scope()
    _SCOPE.set(scope)
    return scope


def current() -> Scope | None:
    """The scope of the update being handled in this task, if any."""
    return _SCOPE.get()


async def send(core: Core, *replies: Reply) -> None:
    """Reply: buffered in the handling scope, or written in a unit of its own outside one."""
    scope = _SCOPE.get()
    if scope is not None:
        scope.pending.extend(replies)
        return
    async with core.unit() as uow:
        await write(uow.session, uow.now, replies)


async def flush(core: Core) -> None:
    """Write the replies still buffered in one last unit, and close the scope."""
    scope = _SCOPE.get()
    if scope is None:
        return
    _SCOPE.set(None)
    if not scope.pending:
        return
    # Core.unit takes them from the scope it finds; with the scope closed, hand them over.
    left, scope.pending = scope.pending, []
    async with core.unit() as uow:
        await write(uow.session, uow.now, left)


def take() -> list[Reply]:
    """The buffered replies, taken out for a unit of work to write (see `give_back`)."""
    scope = _SCOPE.get()
    if scope is None or not scope.pending:
        return []
    taken, scope.pending = scope.pending, []
    return taken


def give_back(taken: Sequence[Reply]) -> None:
    """Put back replies whose unit of work rolled back: they go with the next one."""
    scope = _SCOPE.get()
    if scope is not None and taken:
        scope.pending[:0] = taken


async def write(session: AsyncSession, now: datetime, replies: Sequence[Reply]) -> None:
    """Enqueue replies as outbox rows, in order, the first of each idle chat on the fast path."""
    first_of_chat: dict[int, bool] = {}
    for item in replies:
        if item.chat_id not in first_of_chat:
            first_of_chat[item.chat_id] = not await _pending_in(session, item.chat_id)
            send_now = first_of_chat[item.chat_id]
        else:
            send_now = False
        params = DeliveryParams(text=item.text, buttons=item.buttons, keyboard=item.keyboard)
        queue.enqueue(
            session,
            DeliveryKind.MESSAGE,
            item.chat_id,
            now,
            person_id=item.person_id,
            params=params,
            send_now=send_now,
            lane=lane_of(item.chat_id),
        )


async def _pending_in(session: AsyncSession, chat_id: int) -> bool:
    """Whether something is still to go to the chat (a reply sent now would overtake it)."""
    found = await session.scalar(
        select(
            exists().where(Delivery.chat_id == chat_id, Delivery.status == DeliveryStatus.PENDING)
        )
    )
    return bool(found)


@asynccontextmanager
async def replying(core: Core) -> AsyncIterator[Scope]:
    """Buffer the replies made in the block and write what is left when it ends. A block that
    raises (cancelled at shutdown) writes nothing: its update is not settled either, so it is
    handled again, replies and all."""
    scope = open_scope()
    try:
        yield scope
    except BaseException:
        _SCOPE.set(None)
        raise
    await flush(core)
