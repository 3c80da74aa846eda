"""The update being handled now, so its settling rides on the unit of work of its effects.

The worker opens a scope per update. Every unit of work committed inside it (Core.unit) marks
the update done in the same transaction as what it changed: once the effects are in, a restart
will not handle the update again, and until they are in, it will. Whatever is left (a handler
that only read, or one that failed) the worker settles when the scope ends.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from incidents.inbox import store


@dataclass(slots=True)
class Handling:
    """One update's handling: whether a committed unit settled it, and what went wrong."""

    update_id: int
    marked: bool = False
    error: str = ""
    # A network error on our side: handled again later, however often.
    transient: bool = False

    def note_marked(self) -> None:
        """A unit of work that marked the update done has committed."""
        self.marked = True


_CURRENT: ContextVar[Handling | None] = ContextVar("inbox_handling", default=None)


@contextlib.contextmanager
def handling(update_id: int) -> Iterator[Handling]:
    """The scope of handling one inbox update."""
    scope = Handling(update_id)
    token = _CURRENT.set(scope)
    try:
        yield scope
    finally:
        _CURRENT.reset(token)


def current() -> Handling | None:
    """The update being handled in this task, if any."""
    return _CURRENT.get()


async def settle_in(session: AsyncSession, now: datetime) -> Handling | None:
    """Mark the update being handled done in this (about to commit) unit of work; return the
    scope, so the caller can note it marked once the commit has happened."""
    scope = _CURRENT.get()
    if scope is None or scope.marked:
        return None
    await store.mark_done(session, scope.update_id, now)
    return scope


def note_failure(error: str, *, transient: bool) -> None:
    """Say that handling the current update failed (the error handler calls this)."""
    scope = _CURRENT.get()
    if scope is not None and not scope.error:
        scope.error, scope.transient = error, transient
