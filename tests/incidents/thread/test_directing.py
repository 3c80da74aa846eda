"""Instructions and requests for information, without the Bot API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from incidents.access import AccessRefused
from incidents.actions import AcknowledgeInstruction, AnswerRequest
from incidents.core import Core
from incidents.policy import Refusal
from incidents.thread import directing, inputs, lifecycle
from storage.models import (
    AuditAction,
    AuditEvent,
    DeliveryKind,
    EventKind,
    IncidentEvent,
    PendingInputKind,
)
from tests.support.clock import ManualClock
from tests.support.core import JOINED, person, queued


async def events(core: Core, incident_id: int) -> list[EventKind]:
    async with core.reading() as session:
        rows = await session.scalars(
            select(IncidentEvent.kind)
            .where(IncidentEvent.incident_id == incident_id)
            .order_by(IncidentEvent.id)
        )
        return list(rows)


async def test_an_instruction_reaches_the_reporter_with_a_button_to_acknowledge_it(
    core: Core, incident_id: int
):
    governor = await person(core, "GOV")

    made = await directing.instruct(core, governor, incident_id, "อพยพประชาชน")

    messages = await queued(core, DeliveryKind.MESSAGE)
    to_reporter = [m for m in messages if m.chat_id == JOINED["D6604"]]
    [button] = [b for row in to_reporter[0].params.buttons for b in row]
    assert button.action == AcknowledgeInstruction(instruction_id=made.id)
    assert "อพยพประชาชน" in to_reporter[0].params.text.plain()
    # A copy to the other recipient, not back to the Governor.
    assert {m.chat_id for m in messages} == {JOINED["D6604"], JOINED["DGOV1"]}
    assert (await events(core, incident_id))[-1] is EventKind.INSTRUCTION


async def test_the_reporter_acknowledges_an_instruction_once(core: Core, incident_id: int):
    made = await directing.instruct(core, await person(core, "GOV"), incident_id, "อพยพ")
    reporter = await person(core, "D6604")

    first = await directing.acknowledge_instruction(core, reporter, made.id)
    again = await directing.acknowledge_instruction(core, reporter, made.id)

    assert first.acknowledged_at is not None and again.acknowledged_at == first.acknowledged_at
    kinds = await events(core, incident_id)
    assert kinds.count(EventKind.INSTRUCTION_ACKNOWLEDGED) == 1


async def test_someone_the_alert_did_not_reach_cannot_instruct_and_is_audited(
    core: Core, incident_id: int
):
    deputy = await person(core, "DGOV2")  # an executive, but not alerted

    with pytest.raises(AccessRefused) as refused:
        await directing.instruct(core, deputy, incident_id, "อพยพ")

    assert refused.value.refusal is Refusal.NOT_RECIPIENT
    assert await queued(core, DeliveryKind.MESSAGE) == []
    async with core.reading() as session:
        audited = (await session.scalars(select(AuditEvent.action))).all()
    assert AuditAction.THREAD_ACTION_REFUSED in audited


async def test_a_request_for_information_carries_an_answer_button_and_ends_the_prompt(
    core: Core, incident_id: int
):
    governor = await person(core, "GOV")
    await inputs.start_input(core, governor, incident_id, PendingInputKind.INFO_QUESTION)

    request = await directing.request_info(core, governor, incident_id, "มีผู้ติดค้างไหม")

    [message] = await queued(core, DeliveryKind.MESSAGE)
    assert message.chat_id == JOINED["D6604"]
    assert message.params.request_id() == request.id
    assert message.params.buttons[0][0].action == AnswerRequest(request_id=request.id)
    assert await inputs.awaited(core, governor) is None


async def test_an_answer_goes_to_everyone_the_alert_reached(core: Core, incident_id: int):
    request = await directing.request_info(
        core, await person(core, "GOV"), incident_id, "มีผู้ติดค้างไหม"
    )
    reporter = await person(core, "D6604")
    await inputs.start_answer(core, reporter, request.id)

    answered = await directing.answer_info(core, reporter, request.id, "ไม่มี")

    assert answered.answer == "ไม่มี"
    answers = [
        m for m in await queued(core, DeliveryKind.MESSAGE) if "ไม่มี" in m.params.text.plain()
    ]
    assert {m.chat_id for m in answers} == {JOINED["GOV"], JOINED["DGOV1"]}
    assert await inputs.awaited(core, reporter) is None


async def test_an_instruction_left_unacknowledged_is_reminded_once(
    core: Core, incident_id: int, clock: ManualClock
):
    made = await directing.instruct(core, await person(core, "GOV"), incident_id, "อพยพ")
    reminders = lifecycle.InstructionReminders(core)
    async with core.reading() as session:
        due = await reminders.next_due(session)
    assert due is not None

    clock.advance(core.rules.instruction_remind_after + timedelta(seconds=1))
    async with core.db.write() as session:
        assert await reminders.fire_due(session, clock.now()) == 1
    async with core.db.write() as session:
        assert await reminders.fire_due(session, clock.now()) == 0

    reminded = [
        m
        for m in await queued(core, DeliveryKind.MESSAGE)
        if m.chat_id == JOINED["D6604"] and m.params.buttons
    ]
    assert [m.params.buttons[0][0].action for m in reminded] == [
        AcknowledgeInstruction(instruction_id=made.id)
    ] * 2  # the instruction itself, then its one reminder
