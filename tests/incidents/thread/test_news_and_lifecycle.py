"""News, status, closing and reopening, and pending prompts, without the Bot API."""

from __future__ import annotations

from datetime import timedelta

import pytest

from incidents.access import AccessRefused
from incidents.actions import ThreadAction, ThreadVerb
from incidents.core import Core
from incidents.policy import Refusal
from incidents.thread import browsing, inputs, lifecycle, news, prompts
from incidents.thread.inputs import PENDING_TTL, Awaited
from storage.models import DeliveryKind, IncidentStatus, PendingInputKind
from tests.support.clock import ManualClock
from tests.support.core import JOINED, person, queued


async def test_news_reaches_every_recipient_under_their_copy_of_the_alert(
    core: Core, incident_id: int
):
    reporter = await person(core, "D6604")

    await news.post_news(core, reporter, incident_id, text="น้ำเริ่มลด", location=(16.2, 100.4))

    messages = await queued(core, DeliveryKind.MESSAGE)
    texts = [m for m in messages if "น้ำเริ่มลด" in m.params.text.plain()]
    pins = [m for m in messages if m.params.location == (16.2, 100.4)]
    assert (
        {m.chat_id for m in texts}
        == {m.chat_id for m in pins}
        == {
            JOINED["GOV"],
            JOINED["DGOV1"],
        }
    )
    assert all(m.reply_to_id is not None for m in texts)


async def test_news_from_another_agency_is_refused(core: Core, incident_id: int):
    stranger = await person(core, "D6601")

    with pytest.raises(AccessRefused) as refused:
        await news.post_news(core, stranger, incident_id, text="ข่าว")

    assert refused.value.refusal is Refusal.NOT_FOUND
    assert await queued(core, DeliveryKind.MESSAGE) == []


async def test_the_same_status_twice_is_refused(core: Core, incident_id: int):
    reporter = await person(core, "D6604")

    changed = await news.change_status(core, reporter, incident_id, IncidentStatus.IN_PROGRESS)
    assert changed.status is IncidentStatus.IN_PROGRESS
    with pytest.raises(AccessRefused) as refused:
        await news.change_status(core, reporter, incident_id, IncidentStatus.IN_PROGRESS)

    assert refused.value.refusal is Refusal.SAME_STATUS


async def test_closing_offers_the_others_a_reopen_button_and_reopening_works(
    core: Core, incident_id: int
):
    governor = await person(core, "GOV")

    closed = await lifecycle.close(core, governor, incident_id, "สถานการณ์คลี่คลาย")

    assert closed.status is IncidentStatus.CLOSED
    notices = [m for m in await queued(core, DeliveryKind.MESSAGE) if m.params.buttons]
    assert [m.chat_id for m in notices] == [JOINED["DGOV1"]]
    assert notices[0].params.buttons[0][0].action == ThreadAction(
        incident_id=incident_id, verb=ThreadVerb.REOPEN
    )
    reopened = await lifecycle.reopen(core, await person(core, "DGOV1"), incident_id)
    assert reopened.status is IncidentStatus.IN_PROGRESS


async def test_a_prompt_is_remembered_until_it_expires(
    core: Core, incident_id: int, clock: ManualClock
):
    reporter = await person(core, "D6604")

    await inputs.start_input(core, reporter, incident_id, PendingInputKind.UPDATE)
    assert await inputs.awaited(core, reporter) == Awaited(PendingInputKind.UPDATE, incident_id)

    clock.advance(PENDING_TTL + timedelta(seconds=1))
    assert await inputs.awaited(core, reporter) is None


async def test_a_refused_answer_to_a_prompt_still_ends_the_prompt(core: Core, incident_id: int):
    governor = await person(core, "GOV")
    await inputs.start_input(core, governor, incident_id, PendingInputKind.CLOSE_SUMMARY)
    await lifecycle.close(core, await person(core, "DGOV1"), incident_id, "จบ")

    with pytest.raises(AccessRefused):
        await prompts.answer(
            core, governor, PendingInputKind.CLOSE_SUMMARY, incident_id, None, "ปิดอีก"
        )

    assert await inputs.awaited(core, governor) is None


async def test_open_incidents_are_those_the_person_may_see(core: Core, incident_id: int):
    assert [i.id for i in await browsing.open_incidents(core, await person(core, "GOV"))] == [
        incident_id
    ]
    assert await browsing.open_incidents(core, await person(core, "D6601")) == []
