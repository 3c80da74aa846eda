"""Executives on LINE, end to end: the real program, a reporter on the fake Bot API, the
executives on the fake LINE Platform. The alert arrives as a card, is acknowledged and
instructed by postback and by quoting; mixed channels see one acknowledgement; a push whose
answer is lost is retried with its key and arrives once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from incidents.audit import CLI_ACTOR
from incidents.roster import admin
from incidents.text.report import URGENCY_LABELS
from simulator.line import FakeLinePlatform
from simulator.line.models import SentMessage as LineMessage
from storage.models import (
    AlertRecipient,
    Channel,
    Delivery,
    DeliveryKind,
    EventKind,
    Incident,
    IncidentEvent,
    Reach,
)
from tests.bot.line.conftest import Outcomes
from tests.support.harness import Harness
from tests.support.reporting import ReportAnswers, alerts_in, file_report, has

REFERENCE = "PCT-2569-0001"
ACK = "✅ รับทราบ"
INSTRUCT = "📝 สั่งการ"


async def join_on_line(bot: Harness, line: FakeLinePlatform, outcomes: Outcomes, roster_id: str):
    user = line.add_user(roster_id)
    line.send_text(user, await bot.invite(roster_id))
    await outcomes.wait_for(user.user_id, 2)
    # The welcome, not the greeting before it (which also speaks of binding the account).
    await line.wait_for_message(
        user, lambda m: "ผูกบัญชี LINE กับทะเบียนผู้ใช้งานเรียบร้อยแล้ว" in m.text, timeout=10
    )
    return user


async def file_from_telegram(bot: Harness):
    reporter = await bot.join(2001, "D6604")
    await file_report(bot, reporter, ReportAnswers(photos=0))
    await bot.drain()
    return reporter


def cards(line: FakeLinePlatform, user) -> list[LineMessage]:
    return [m for m in line.sent_messages(user.user_id, delivered=True) if m.type == "flex"]


async def the_card(line: FakeLinePlatform, user) -> LineMessage:
    return await line.wait_for_message(
        user, lambda m: m.type == "flex" and REFERENCE in str(m.message), timeout=10
    )


async def test_an_executive_on_line_only_gets_the_card_and_acknowledges_it(
    live: Harness, line: FakeLinePlatform, outcomes: Outcomes
):
    governor = await join_on_line(live, line, outcomes, "GOV")
    deputy = await live.join(1002, "DGOV1")
    reporter = await file_from_telegram(live)

    card = await the_card(line, governor)
    lead = card.text.splitlines()[0]  # what the lock screen shows first
    assert any(lead.lstrip("🔴🟠🟡 ").startswith(u) for u in URGENCY_LABELS.values()), lead
    assert "อ.ตะพานหิน" in lead
    assert card.retry_key  # a push, exactly once
    [telegram_alert] = alerts_in(live, deputy.id, REFERENCE)

    mark = len(line.sent_messages(governor.user_id))
    line.press_button(governor, card, label=ACK)
    reply = await line.wait_for_message(
        governor, lambda m: "รับทราบแล้ว" in m.text, since=mark, timeout=10
    )
    await live.drain()

    assert reply.kind == "reply"  # the free answer, not a counted push
    [edited] = alerts_in(live, deputy.id, REFERENCE)
    assert edited.message_id == telegram_alert.message_id
    assert "รับทราบแล้วโดย นายสมมติ ตัวอย่างดี" in edited.text
    await live.api.wait_for_message(reporter.id, has("รับทราบเหตุ"), timeout=10)
    async with live.runtime.db.read() as session:
        incident = await session.scalar(select(Incident))
        assert incident is not None and incident.acknowledged_by_id is not None
        governor_row = await live.person("GOV")
        assert incident.acknowledged_by_id == governor_row.id


async def test_instructions_from_line_by_button_and_by_quoting_the_card(
    live: Harness, line: FakeLinePlatform, outcomes: Outcomes
):
    governor = await join_on_line(live, line, outcomes, "GOV")
    reporter = await file_from_telegram(live)
    card = await the_card(line, governor)

    mark = len(line.sent_messages(governor.user_id))
    line.press_button(governor, card, label=INSTRUCT)
    await line.wait_for_message(governor, lambda m: REFERENCE in m.text, since=mark, timeout=10)
    line.send_text(governor, "ให้อพยพประชาชนริมน้ำทันที")
    await line.wait_for_message(governor, lambda m: "ส่งข้อสั่งการ" in m.text, since=mark, timeout=10)
    line.send_text(governor, "รายงานความคืบหน้าทุกสองชั่วโมง", quote=card)
    await live.drain()
    await line.wait_for_messages(governor, 3, since=mark, timeout=10)

    for said in ("ให้อพยพประชาชนริมน้ำทันที", "รายงานความคืบหน้าทุกสองชั่วโมง"):
        await live.api.wait_for_message(reporter.id, has(said), timeout=10)
    async with live.runtime.db.read() as session:
        instructions = (
            await session.scalars(
                select(IncidentEvent).where(IncidentEvent.kind == EventKind.INSTRUCTION)
            )
        ).all()
    # On the timeline with the channel they came from.
    assert [e.data.get("via") for e in instructions] == ["line", "line"]


async def test_mixed_channels_one_acknowledgement_shown_on_both(
    live: Harness, line: FakeLinePlatform, outcomes: Outcomes
):
    both = await live.join(1003, "DGOV2")
    both_on_line = await join_on_line(live, line, outcomes, "DGOV2")
    deputy = await live.join(1002, "DGOV1")
    await file_from_telegram(live)
    await the_card(line, both_on_line)
    [telegram_copy] = alerts_in(live, both.id, REFERENCE)

    [alert] = alerts_in(live, deputy.id, REFERENCE)
    query = live.api.press_button(deputy, alert, "a|1|ack", check=False)
    await live.api.wait_for_callback_answer(query)
    await live.drain()

    notice = await line.wait_for_message(
        both_on_line, lambda m: "รับทราบเหตุ" in m.text and "นายทดลอง ใจสมมติ" in m.text
    )
    assert notice.type == "text" and notice.kind == "push"
    [edited] = alerts_in(live, both.id, REFERENCE)
    assert edited.message_id == telegram_copy.message_id
    assert "รับทราบแล้วโดย นายทดลอง ใจสมมติ" in edited.text
    person = await live.person("DGOV2")
    async with live.runtime.db.read() as session:
        rows = (await session.scalars(select(AlertRecipient))).all()
    assert sorted(r.channel for r in rows if r.person_id == person.id) == [
        Channel.LINE,
        Channel.TELEGRAM,
    ]


async def test_a_push_whose_answer_is_lost_arrives_once(
    live: Harness, line: FakeLinePlatform, outcomes: Outcomes
):
    governor = await join_on_line(live, line, outcomes, "GOV")
    line.lose_next_answer("push")
    await file_from_telegram(live)
    await the_card(line, governor)
    await live.advance(timedelta(seconds=5))  # past the back-off after the lost answer
    await live.drain()

    pushes = [c for c in line.calls("push") if REFERENCE in str(c.body)]
    assert len(pushes) >= 2 and pushes[0].lost  # retried after the lost answer
    assert {c.retry_key for c in pushes} == {pushes[0].retry_key}
    assert pushes[-1].status == 409
    assert len(cards(line, governor)) == 1
    async with live.runtime.db.read() as session:
        alert = await session.scalar(
            select(Delivery).where(
                Delivery.kind == DeliveryKind.ALERT, Delivery.channel == Channel.LINE
            )
        )
    assert alert is not None and alert.retry_key == pushes[0].retry_key
    assert alert.external_message_id == cards(line, governor)[0].message_id


async def test_the_quota_used_up_falls_back_to_telegram_and_says_so(
    live: Harness, line: FakeLinePlatform, outcomes: Outcomes
):
    governor_tg = await live.join(1001, "GOV")
    governor = await join_on_line(live, line, outcomes, "GOV")
    await admin.set_reach(live.runtime.core, "GOV", Reach.LINE, CLI_ACTOR)
    deputy = await join_on_line(live, line, outcomes, "DGOV1")  # on LINE only
    telegram_only = await live.join(1003, "DGOV2")
    await join_on_line(live, line, outcomes, "DGOV2")
    await admin.set_reach(live.runtime.core, "DGOV2", Reach.TELEGRAM, CLI_ACTOR)
    admin_user = await live.join(1006, "ADMIN1")
    line.set_quota(10, used=10)
    await file_from_telegram(live)

    fallback = await live.api.wait_for_message(governor_tg.id, has("โควตาข้อความ LINE"), timeout=10)
    told = await live.api.wait_for_message(admin_user.id, has("นายทดลอง ใจสมมติ"), timeout=10)
    await live.drain()

    assert REFERENCE in fallback.text and "ส่งทาง Telegram แทน LINE" in fallback.text
    assert "โควตาข้อความ LINE" in told.text and REFERENCE in told.text
    assert cards(line, governor) == [] and cards(line, deputy) == []
    assert len(alerts_in(live, governor_tg.id, REFERENCE)) == 1
    # The admin's choice: this deputy's alerts go to Telegram only, never to LINE.
    assert len(alerts_in(live, telegram_only.id, REFERENCE)) == 1
    async with live.runtime.db.read() as session:
        line_rows = (
            await session.scalars(select(Delivery).where(Delivery.channel == Channel.LINE))
        ).all()
    alerts = [d for d in line_rows if d.kind is DeliveryKind.ALERT]
    assert len(alerts) == 2 and all("monthly limit" in d.last_error for d in alerts)
    dgov2 = await live.person("DGOV2")
    assert all(d.person_id != dgov2.id for d in alerts)


async def test_a_second_report_on_line_names_the_first_and_a_postback_links_them(
    live: Harness, line: FakeLinePlatform, outcomes: Outcomes
):
    governor = await join_on_line(live, line, outcomes, "GOV")
    reporter = await file_from_telegram(live)
    await file_report(
        live, reporter, ReportAnswers(place="หมู่ที่ 3 บ้านวังหลุม ตำบลวังหลุม", pin=None, photos=0)
    )
    await live.drain()
    second = "PCT-2569-0002"
    card = await line.wait_for_message(
        governor, lambda m: m.type == "flex" and f"{second} ·" in m.text, timeout=10
    )
    assert f"อาจเป็นเหตุเดียวกับ {REFERENCE}" in card.text  # in the notification's text too
    assert f"🔗 อาจเป็นเหตุเดียวกับ {REFERENCE}" in str(card.message)

    mark = len(line.sent_messages(governor.user_id))
    line.press_button(governor, card, label=f"🔗 เชื่อมโยงกับ {REFERENCE}")
    reply = await line.wait_for_message(
        governor, lambda m: m.text.startswith(f"เชื่อมโยง {second}"), since=mark, timeout=10
    )
    assert reply.kind.value == "reply"  # answered with the event's reply token, no push
    async with live.runtime.db.read() as session:
        via = (
            await session.scalars(
                select(IncidentEvent.data).where(IncidentEvent.kind == EventKind.LINKED)
            )
        ).all()
    assert [d["via"] for d in via] == ["line", "line"]
