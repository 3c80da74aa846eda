"""Signing in to the web log, as use cases: the link the bot sends, the page that asks before
spending it, opening a session, finding the session a cookie names, and signing out.

The web keeps its cookies and CSRF checks; what a link or a session is, and what is audited of
them, is decided here (the mechanics are in incidents/records/signin.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from incidents import throttle
from incidents.audit import ActorSource
from incidents.core import Core
from incidents.records import signin
from incidents.records.filters import Viewer
from incidents.records.signin import LoginRefusal, Opened
from storage.models import Person

__all__ = [
    "LoginRefusal",
    "Opened",
    "SignInLink",
    "SignedIn",
    "Throttled",
    "check_link",
    "session_of",
    "sign_in",
    "sign_in_link",
    "sign_out",
    "throttled",
]

# A cookie value longer than this is no session id of ours (they are 43 characters).
MAX_SESSION_ID_LENGTH = 200


@dataclass(frozen=True, slots=True)
class SignInLink:
    """A fresh single-use sign-in link (its token shown only here) and when it expires."""

    url: str
    expires_at: datetime


async def sign_in_link(
    core: Core, person_id: int, base_url: str, source: str = ActorSource.TELEGRAM
) -> SignInLink:
    """Issue a sign-in link for a roster person, at the web log's address `base_url`."""
    async with core.unit() as uow:
        person = await uow.session.get_one(Person, person_id)
        issued = await signin.issue_link(uow.session, person, uow.now, source)
    return SignInLink(f"{base_url}/login/{issued.token}", issued.expires_at)


@dataclass(frozen=True, slots=True)
class Throttled:
    """Too many sign-in attempts from one address lately; it may try again after this."""

    retry_after_s: int


async def throttled(core: Core, address: str) -> Throttled | None:
    """Count a sign-in attempt from `address`; past the limit it is refused (and counted on
    one audit row) instead of handled."""
    rule = throttle.SIGN_IN_ATTEMPTS
    if await core.throttle.allow(rule, address):
        return None
    async with core.unit() as uow:
        await signin.refuse_login(uow.session, LoginRefusal.TOO_MANY, uow.now, address)
    return Throttled(await core.throttle.retry_after(rule, address))


async def check_link(core: Core, token: str) -> LoginRefusal | None:
    """Whether a link could still be used (the confirm page asks before spending it)."""
    async with core.reading() as session:
        return await signin.peek_link(session, token, core.clock.now())


async def sign_in(core: Core, token: str, address: str) -> Opened | LoginRefusal:
    """Spend the link once and open a session; anything else is refused and audited."""
    async with core.unit() as uow:
        return await signin.redeem(uow.session, token, uow.now, core.rules.web_session_ttl, address)


@dataclass(frozen=True, slots=True)
class SignedIn:
    """The viewer of a live session, the session's row id and its CSRF token."""

    viewer: Viewer
    session_row_id: int
    csrf_token: str


async def session_of(core: Core, session_id: str) -> SignedIn | None:
    """The live session a cookie names, with an active person; None otherwise."""
    if not session_id or len(session_id) > MAX_SESSION_ID_LENGTH:
        return None
    async with core.reading() as session:
        row = await signin.find_session(session, session_id, core.clock.now())
        if row is None:
            return None
        return SignedIn(Viewer.of(row.person), row.id, row.csrf_token)


async def sign_out(core: Core, session_row_id: int, address: str) -> None:
    """End the session at once (audited)."""
    async with core.unit() as uow:
        await signin.end_session(uow.session, session_row_id, uow.now, address)
