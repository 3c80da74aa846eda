"""A person chooses their own channels: /channels on Telegram, ช่องทาง on LINE. Only channels
they have joined on are offered alone, each change is audited as theirs, and the next alert
follows the choice."""

from __future__ import annotations

from sqlalchemy import select

from incidents.audit import Actor, ActorSource
from incidents.roster import reach
from simulator.line import FakeLinePlatform
from simulator.line.models import SendKind
from storage.models import AuditAction, AuditEvent, Reach
from tests.bot.line.conftest import Outcomes
from tests.bot.line.test_alerts_on_line import (
    REFERENCE,
    cards,
    file_from_telegram,
    join_on_line,
    the_card,
)
from tests.support.harness import Harness, button_data
from tests.support.reporting import alerts_in, has


async def reach_audits(bot: Harness) -> list[AuditEvent]:
    async with bot.runtime.db.read() as session:
        rows = await session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == AuditAction.PERSON_REACH_SET)
            .order_by(AuditEvent.id)
        )
        return list(rows)


async def test_on_telegram_only_there_is_nothing_to_choose(live: Harness):
    deputy = await live.join(1002, "DGOV1")
    screen = await live.say(deputy, "/channels", expect=has("ช่องทางรับการแจ้งเตือน"))
    assert "LINE: ยังไม่ได้ผูกบัญชี" in (screen.text or "")
    assert "Telegram: ผูกบัญชีแล้ว" in (screen.text or "")
    assert "ขอรหัสเชิญจากผู้ดูแลระบบ" in (screen.text or "")
    assert screen.buttons == []
    # Asking the core for LINE alone anyway (a forged press) changes nothing.
    person = await live.person("DGOV1")
    actor = Actor(person_id=person.id, telegram_id=deputy.id, source=ActorSource.TELEGRAM)
    refused = await reach.choose(live.runtime.core, person.id, Reach.LINE, actor)
    assert "ยังเลือกรับทาง LINE เท่านั้นไม่ได้" in refused.text.plain()
    assert (await live.person("DGOV1")).reach is Reach.ALL
    assert await reach_audits(live) == []


async def test_choosing_line_only_on_telegram_moves_the_next_alert_to_line(
    live: Harness, line: FakeLinePlatform, outcomes: Outcomes
):
    governor_tg = await live.join(1001, "GOV")
    governor = await join_on_line(live, line, outcomes, "GOV")
    screen = await live.say(governor_tg, "/channels", expect=has("ช่องทางรับการแจ้งเตือน"))
    assert "LINE: ผูกบัญชีแล้ว" in (screen.text or "")
    assert [b["text"] for b in screen.buttons] == [
        "● ทั้ง Telegram และ LINE",
        "Telegram เท่านั้น",
        "LINE เท่านั้น",
    ]

    chosen = await live.press(
        governor_tg, screen, button_data(screen, "LINE เท่านั้น"), expect=has("บันทึกแล้ว")
    )
    assert "ระบบจะแจ้งทาง LINE เท่านั้น" in (chosen.text or "")
    assert "● LINE เท่านั้น" in [b["text"] for b in chosen.buttons]
    assert (await live.person("GOV")).reach is Reach.LINE
    [audit] = await reach_audits(live)
    gov = await live.person("GOV")
    assert audit.actor_person_id == gov.id and audit.actor_telegram_id == governor_tg.id
    assert (audit.detail["before"], audit.detail["after"]) == ("all", "line")

    await file_from_telegram(live)
    await the_card(line, governor)
    await live.drain()
    assert len(cards(line, governor)) == 1
    assert alerts_in(live, governor_tg.id, REFERENCE) == []


async def test_on_line_the_word_shows_the_choices_and_a_postback_chooses(
    live: Harness, line: FakeLinePlatform, outcomes: Outcomes
):
    await live.join(1001, "GOV")
    governor = await join_on_line(live, line, outcomes, "GOV")
    line.send_text(governor, "ช่องทาง")
    screen = await line.wait_for_message(
        governor, lambda m: "ช่องทางรับการแจ้งเตือน" in str(m.message), timeout=10
    )
    assert screen.type == "flex" and len(screen.postback_data) == 3
    assert "Telegram เท่านั้น" in screen.labels

    line.press_button(governor, screen, label="Telegram เท่านั้น")
    chosen = await line.wait_for_message(
        governor, lambda m: "บันทึกแล้ว" in str(m.message), timeout=10
    )
    assert "ระบบจะแจ้งทาง Telegram เท่านั้น" in str(chosen.message)
    assert (await live.person("GOV")).reach is Reach.TELEGRAM
    [audit] = await reach_audits(live)
    assert audit.actor_label == f"line:{governor.user_id}"
    # The replies went with the events' reply tokens: no push counted against the quota.
    assert all(m.kind is SendKind.REPLY for m in (screen, chosen))
