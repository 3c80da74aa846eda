"""Signing in to the web log as core use cases: links from the bot, sessions, signing out."""

from __future__ import annotations

from datetime import timedelta

from incidents.core import Core
from incidents.records import sessions
from incidents.records.sessions import LoginRefusal, Opened
from storage.models import AuditAction
from tests.incidents.records.conftest import ADDRESS, person_id, trail
from tests.support.clock import ManualClock

BASE = "https://incident.example.go.th"


def token_of(link: sessions.SignInLink) -> str:
    return link.url.rsplit("/", 1)[1]


async def test_a_link_opens_one_session_for_its_person_and_both_are_audited(core: Core):
    governor = await person_id(core, "GOV")
    link = await sessions.sign_in_link(core, governor, BASE)
    token = token_of(link)

    assert link.url.startswith(f"{BASE}/login/")
    assert link.expires_at == core.clock.now() + timedelta(minutes=10)
    assert await sessions.check_link(core, token) is None
    opened = await sessions.sign_in(core, token, ADDRESS)
    again = await sessions.sign_in(core, token, ADDRESS)

    assert isinstance(opened, Opened)
    assert opened.lifetime == core.rules.web_session_ttl
    assert again is LoginRefusal.USED
    signed_in = await sessions.session_of(core, opened.session_id)
    assert signed_in is not None
    assert (signed_in.viewer.person_id, signed_in.viewer.sees_all) == (governor, True)
    rows = await trail(core)
    assert [(r.action, r.source) for r in rows] == [
        (AuditAction.WEB_LINK_ISSUED, "telegram"),
        (AuditAction.WEB_LOGIN, ADDRESS),
        (AuditAction.WEB_LOGIN_REFUSED, ADDRESS),
    ]


async def test_an_expired_link_is_refused_before_and_when_spent(core: Core, clock: ManualClock):
    link = await sessions.sign_in_link(core, await person_id(core, "D6604"), BASE)
    clock.advance(timedelta(minutes=11))

    assert await sessions.check_link(core, token_of(link)) is LoginRefusal.EXPIRED
    assert await sessions.sign_in(core, token_of(link), ADDRESS) is LoginRefusal.EXPIRED
    assert await sessions.sign_in(core, "made-up", ADDRESS) is LoginRefusal.UNKNOWN


async def test_signing_out_ends_the_session_at_once(core: Core):
    link = await sessions.sign_in_link(core, await person_id(core, "D6604"), "")
    opened = await sessions.sign_in(core, token_of(link), ADDRESS)
    assert isinstance(opened, Opened)
    signed_in = await sessions.session_of(core, opened.session_id)
    assert signed_in is not None

    await sessions.sign_out(core, signed_in.session_row_id, ADDRESS)

    assert await sessions.session_of(core, opened.session_id) is None
    assert (await trail(core))[-1].action is AuditAction.WEB_LOGOUT


async def test_a_session_ends_with_its_lifetime(core: Core, clock: ManualClock):
    link = await sessions.sign_in_link(core, await person_id(core, "GOV"), "")
    opened = await sessions.sign_in(core, token_of(link), ADDRESS)
    assert isinstance(opened, Opened)

    clock.advance(core.rules.web_session_ttl)

    assert await sessions.session_of(core, opened.session_id) is None


async def test_a_cookie_that_is_no_session_id_finds_nothing(core: Core):
    assert await sessions.session_of(core, "") is None
    assert await sessions.session_of(core, "x" * 5000) is None
    assert await sessions.session_of(core, "not-a-session") is None


async def test_an_address_trying_too_often_is_held_off_and_counted_on_one_row(core: Core):
    answers = [await sessions.throttled(core, ADDRESS) for _ in range(33)]

    assert answers[:30] == [None] * 30
    held = answers[30:]
    assert all(h is not None and h.retry_after_s >= 1 for h in held)
    assert await sessions.throttled(core, "203.0.113.9") is None  # another address
    [row] = await trail(core, AuditAction.WEB_LOGIN_REFUSED)
    assert (row.count, row.detail, row.source) == (3, {"reason": "too_many"}, ADDRESS)
