"""A delivery given up on unexpected errors is reported to the admins, in Thai, once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest

from incidents.alerts.service import Alerts
from incidents.core import Core
from incidents.outbox import queue as outbox
from incidents.outbox.delivery import OutcomeKind, SendOutcome
from incidents.outbox.loop import MAX_ATTEMPTS_FOR_BUGS, DeliveryLoop
from incidents.outbox.params import DeliveryParams
from incidents.outbox.render import Rendered, Renderer
from incidents.text.rich import Text
from storage.db import Database
from storage.models import DeliveryKind
from tests.support.clock import ManualClock
from tests.support.core import JOINED, core_with_roster, person, queued


@dataclass
class BrokenFor:
    """Raises for one chat's sends; sends everything else."""

    chat_id: int
    sent: list[int] = field(default_factory=list)

    async def send(
        self, chat_id: int, rendered: Rendered, reply_to: int | None, target: int | None
    ) -> SendOutcome:
        if chat_id == self.chat_id:
            raise KeyError("an answer of an odd shape")
        self.sent.append(chat_id)
        return SendOutcome(OutcomeKind.SENT, message_id=500 + len(self.sent))


@pytest.fixture
async def core(db: Database, clock: ManualClock, tmp_path: Path) -> Core:
    return await core_with_roster(db, clock, tmp_path)


async def queue_to(core: Core, roster_id: str, text: str) -> None:
    someone = await person(core, roster_id)
    assert someone.telegram_user_id is not None
    async with core.db.write() as session:
        outbox.enqueue(
            session,
            DeliveryKind.MESSAGE,
            someone.telegram_user_id,
            core.clock.now(),
            person_id=someone.id,
            params=DeliveryParams(text=Text(text)),
        )


async def run_until_given_up(core: Core, clock: ManualClock, loop: DeliveryLoop) -> None:
    for _ in range(MAX_ATTEMPTS_FOR_BUGS + 1):
        await loop.run_once()
        clock.advance(timedelta(minutes=10))


async def test_a_delivery_given_up_is_reported_to_the_admins(core: Core, clock: ManualClock):
    sender = BrokenFor(JOINED["D6604"])
    loop = DeliveryLoop(core.db, sender, clock, Alerts(core), Renderer(core.rules.tz), me="here")
    await queue_to(core, "D6604", "แจ้งผล")

    await run_until_given_up(core, clock, loop)

    notices = [
        m
        for m in await queued(core, DeliveryKind.MESSAGE)
        if m.chat_id == JOINED["ADMIN1"] and "ไม่สำเร็จ" in m.params.text.plain()
    ]
    assert len(notices) == 1
    assert "ระบบขัดข้อง" in notices[0].params.text.plain()
    assert sender.sent == [JOINED["ADMIN1"]]  # the notice itself went out


async def test_a_notice_to_an_admin_given_up_is_not_reported_round_the_admins(
    core: Core, clock: ManualClock
):
    sender = BrokenFor(JOINED["ADMIN1"])
    loop = DeliveryLoop(core.db, sender, clock, Alerts(core), Renderer(core.rules.tz), me="here")
    await queue_to(core, "ADMIN1", "แจ้งผู้ดูแล")

    await run_until_given_up(core, clock, loop)

    assert len(await queued(core, DeliveryKind.MESSAGE)) == 1
    assert sender.sent == []
