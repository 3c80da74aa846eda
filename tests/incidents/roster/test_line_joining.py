"""Binding a LINE account with an invitation: the same rules and refusals as on Telegram."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from incidents.core import Core
from incidents.roster import accounts, gate, joining
from incidents.roster.gate import Sender
from incidents.roster.joining import JoinOutcome
from storage.models import AuditAction, AuditEvent, Invite, Person
from tests.incidents.reports.conftest import core as core
from tests.incidents.roster.test_gate_and_joining import invite
from tests.support.clock import ManualClock

OFFICER = accounts.line("U" + "1" * 32)
OTHER = accounts.line("U" + "2" * 32)


async def person(core: Core, roster_id: str) -> Person:
    async with core.reading() as session:
        found = await session.scalar(select(Person).where(Person.roster_id == roster_id))
    assert found is not None
    return found


async def test_a_valid_code_binds_the_line_account_and_leaves_telegram_alone(core: Core):
    code = await invite(core, "D6604")

    joined = await joining.bind(core, code, OFFICER)
    again = await joining.bind(core, code, OFFICER)

    bound = await person(core, "D6604")
    assert joined.outcome is JoinOutcome.JOINED
    assert again.outcome is JoinOutcome.ALREADY_JOINED
    assert bound.line_user_id == OFFICER.id and bound.line_joined_at is not None
    assert bound.telegram_user_id is None and bound.joined_at is None
    assert (await gate.identify_account(core, OFFICER)).sender is Sender.MEMBER
    async with core.reading() as session:
        used = await session.scalar(select(Invite))
        accepted = await session.scalar(
            select(AuditEvent).where(AuditEvent.action == AuditAction.INVITE_ACCEPTED)
        )
    assert used is not None and used.used_by_line_user_id == OFFICER.id
    assert used.used_by_telegram_id is None
    assert accepted is not None and accepted.source == "line"
    assert accepted.actor_label == f"line:{OFFICER.id}" and accepted.detail["channel"] == "line"


async def test_a_used_code_an_unknown_one_and_an_expired_one_are_refused_and_audited(
    core: Core, clock: ManualClock
):
    used = await invite(core, "D6604")
    await joining.bind(core, used, OFFICER)
    expiring = await invite(core, "D6605")
    clock.advance(timedelta(hours=2))

    outcomes = [
        (await joining.bind(core, used, OTHER)).outcome,
        (await joining.bind(core, "no-such-code", OTHER)).outcome,
        (await joining.bind(core, expiring, OTHER)).outcome,
    ]

    assert outcomes == [JoinOutcome.USED, JoinOutcome.UNKNOWN, JoinOutcome.EXPIRED]
    async with core.reading() as session:
        refusals = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.action == AuditAction.INVITE_REFUSED)
            )
        ).all()
    assert sorted(r.detail["reason"] for r in refusals) == ["expired", "unknown", "used"]
    assert {r.source for r in refusals} == {"line"}
    assert (await person(core, "D6605")).line_user_id is None


async def test_a_deactivated_person_cannot_join_and_a_bound_account_cannot_take_a_second(
    core: Core,
):
    mine = await invite(core, "D6604")
    await joining.bind(core, mine, OFFICER)
    someone_elses = await invite(core, "D6605")
    inactive = await invite(core, "D6606")
    async with core.unit() as uow:
        await uow.session.execute(
            update(Person).where(Person.roster_id == "D6606").values(active=False)
        )

    taken = await joining.bind(core, someone_elses, OFFICER)
    refused = await joining.bind(core, inactive, OTHER)

    assert taken.outcome is JoinOutcome.ACCOUNT_TAKEN
    assert refused.outcome is JoinOutcome.INACTIVE
    assert (await person(core, "D6605")).line_user_id is None
    assert (await person(core, "D6606")).line_user_id is None


async def test_one_person_may_hold_a_telegram_and_a_line_account(core: Core):
    await joining.join(core, await invite(core, "D6604"), 555_000_111)
    joined = await joining.bind(core, await invite(core, "D6604"), OFFICER)

    bound = await person(core, "D6604")
    assert joined.outcome is JoinOutcome.JOINED
    assert (bound.telegram_user_id, bound.line_user_id) == (555_000_111, OFFICER.id)


async def test_blocking_marks_the_line_account_unreachable_and_unblocking_clears_it(core: Core):
    await joining.bind(core, await invite(core, "D6604"), OFFICER)

    blocked = await gate.set_reachable(core, OFFICER, reachable=False)
    while_blocked = (await person(core, "D6604")).line_unreachable_since
    await gate.set_reachable(core, OFFICER, reachable=True)

    assert blocked is not None and while_blocked is not None
    after = await person(core, "D6604")
    assert after.line_unreachable_since is None and after.unreachable_since is None
    assert await gate.set_reachable(core, OTHER, reachable=False) is None


async def test_a_line_stranger_is_audited_and_answered_only_the_first_few_times(core: Core):
    answers = [(await gate.note_stranger_account(core, OTHER)).answer for _ in range(4)]

    assert answers == [True, True, True, False]
    async with core.reading() as session:
        refusals = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.action == AuditAction.STRANGER_REFUSED)
            )
        ).all()
    assert [(r.count, r.subject_type, r.source) for r in refusals] == [(4, "line_user", "line")]
