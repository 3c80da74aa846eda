"""The gate and joining as core use cases: who sent an update, strangers, invitations."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from incidents.audit import CLI_ACTOR
from incidents.core import Core
from incidents.roster import gate, invites, joining
from incidents.roster.gate import Sender
from incidents.roster.joining import JoinOutcome
from storage.models import AuditAction, AuditEvent, Person, StrangerContact
from tests.incidents.reports.conftest import core as core
from tests.support.clock import ManualClock

STRANGER = 555_000_001


async def invite(core: Core, roster_id: str) -> str:
    """A fresh invitation code for a roster person."""
    async with core.unit() as uow:
        person = await uow.session.scalar(select(Person).where(Person.roster_id == roster_id))
        assert person is not None
        issued = await invites.issue(uow.session, person, uow.now, timedelta(hours=1), CLI_ACTOR)
    return issued.code


async def test_an_account_on_no_roster_is_a_stranger_and_a_member_is_known(core: Core):
    code = await invite(core, "D6604")
    assert (await gate.identify(core, STRANGER)).sender is Sender.STRANGER

    joined = await joining.join(core, code, STRANGER)
    seen = await gate.identify(core, STRANGER)

    assert joined.outcome is JoinOutcome.JOINED
    assert seen.sender is Sender.MEMBER and seen.person is not None
    assert seen.person.roster_id == "D6604"
    assert (await joining.join(core, code, STRANGER)).outcome is JoinOutcome.ALREADY_JOINED


async def test_a_stranger_is_recorded_and_with_no_admin_the_notice_waits_for_one(
    core: Core, clock: ManualClock
):
    noted = await gate.note_stranger(core, STRANGER)
    await gate.note_stranger(core, STRANGER)

    assert noted.answer and noted.admins == ()
    async with core.reading() as session:
        contact = await session.scalar(select(StrangerContact))
        refusals = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.action == AuditAction.STRANGER_REFUSED)
            )
        ).all()
    assert contact is not None and contact.attempts == 2
    # Both attempts are audited, counted on one row since they came moments apart.
    assert [r.count for r in refusals] == [2]

    backlog = await joining.strangers_for_new_admin(core)
    assert [(s.account_id, s.attempts) for s in backlog] == [(STRANGER, 2)]
    assert await joining.strangers_for_new_admin(core) == []


async def test_admins_hear_of_a_stranger_at_most_once_per_interval(core: Core, clock: ManualClock):
    async with core.unit() as uow:
        await uow.session.execute(
            update(Person).where(Person.roster_id == "ADMIN1").values(telegram_user_id=9001)
        )

    first = await gate.note_stranger(core, STRANGER)
    second = await gate.note_stranger(core, STRANGER)
    clock.advance(core.rules.stranger_notice_interval)
    later = await gate.note_stranger(core, STRANGER)

    assert [a.chat_id for a in first.admins] == [9001]
    assert second.admins == ()
    assert [a.chat_id for a in later.admins] == [9001]


async def test_a_wrong_code_is_refused_and_audited(core: Core):
    joined = await joining.join(core, "no-such-code", STRANGER)

    assert joined.outcome is JoinOutcome.UNKNOWN and joined.person is None
    async with core.reading() as session:
        actions = (await session.scalars(select(AuditEvent.action))).all()
    assert AuditAction.INVITE_REFUSED in actions
