"""Acknowledgement, who may press an alert's buttons, reminders and escalation."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from storage.models import (
    AlertRecipient,
    AuditAction,
    AuditEvent,
    EventKind,
    Incident,
    IncidentEvent,
    IncidentStatus,
    RecipientRole,
)
from tests.fakes import SentMessage
from tests.support.harness import Harness
from tests.support.reporting import ReportAnswers, alerts_in, file_report, has

REFERENCE = "PCT-2569-0001"
WAR_ROOM = -1009876543210


def messages_with(bot: Harness, chat_id: int, part: str) -> list[SentMessage]:
    """Bot messages in a chat whose text contains `part`."""
    return [m for m in bot.api.sent_messages(chat_id) if part in (m.text or "")]


async def filed_with_executives(bot: Harness, reporter_id: str = "D6604"):
    executives = await bot.join_executives()
    reporter = await bot.join(2001, reporter_id)
    await file_report(bot, reporter, ReportAnswers(photos=0))
    await bot.drain()
    return executives, reporter


async def press_ack(bot: Harness, user, chat_id: int | None = None) -> str:
    [alert] = alerts_in(bot, chat_id or user.id, REFERENCE)
    query = bot.api.press_button(user, alert, "a|1|ack", check=False)
    answer = await bot.api.wait_for_callback_answer(query)
    await bot.drain()
    return answer.text or ""


async def test_acknowledging_updates_every_copy_and_tells_the_reporter(bot: Harness):
    executives, reporter = await filed_with_executives(bot)

    answer = await press_ack(bot, executives[1])
    told = await bot.api.wait_for_message(reporter.id, has("รับทราบเหตุ"), timeout=10)

    assert "รับทราบแล้ว" in answer
    for executive in executives:
        [alert] = alerts_in(bot, executive.id, REFERENCE)
        assert "รับทราบแล้วโดย นายทดลอง ใจสมมติ" in alert.text, executive.id
        assert "14.00 น." in alert.text
        assert "a|1|ack" not in alert.callback_data  # nothing left to acknowledge
        assert "a|1|instruct" in alert.callback_data
    assert "นายทดลอง ใจสมมติ (รองผู้ว่าราชการจังหวัดพิจิตร)" in told.text
    progress = messages_with(bot, reporter.id, "สถานะการแจ้งเตือน")
    assert len(progress) == 1  # one message, updated in place
    assert "รับทราบแล้วโดย นายทดลอง ใจสมมติ" in progress[0].text
    async with bot.runtime.db.read() as session:
        incident = await session.scalar(select(Incident))
        kinds = (await session.scalars(select(IncidentEvent.kind))).all()
    assert incident.status is IncidentStatus.ACKNOWLEDGED
    assert incident.acknowledged_at == bot.clock.now()
    assert incident.next_reminder_at is None
    assert kinds == [EventKind.FILED, EventKind.ACKNOWLEDGED]


async def test_acknowledging_twice_is_idempotent_and_names_the_first(bot: Harness):
    executives, reporter = await filed_with_executives(bot)
    await press_ack(bot, executives[0])
    bot.clock.advance(timedelta(minutes=2))

    second = await press_ack(bot, executives[2])
    again = await press_ack(bot, executives[0])

    assert "รับทราบแล้วโดย นายสมมติ ตัวอย่างดี เวลา 14.00 น." in second
    assert "รับทราบแล้วโดย นายสมมติ ตัวอย่างดี" in again
    told = messages_with(bot, reporter.id, "รับทราบเหตุ")
    assert len(told) == 1
    async with bot.runtime.db.read() as session:
        acks = (
            await session.scalars(
                select(IncidentEvent).where(IncidentEvent.kind == EventKind.ACKNOWLEDGED)
            )
        ).all()
        seen = (await session.scalars(select(AlertRecipient.acknowledged_at))).all()
    assert len(acks) == 1
    assert sum(1 for at in seen if at is not None) == 2  # each recipient's own press is kept


async def test_someone_the_alert_was_not_meant_for_is_refused_and_audited(bot: Harness):
    bot.api.add_group(WAR_ROOM, "ห้องสถานการณ์")
    bot.configure(war_room_chat_id=WAR_ROOM)
    executives, _reporter = await filed_with_executives(bot)
    other_reporter = await bot.join(2002, "D6605")

    refused = await press_ack(bot, other_reporter, chat_id=WAR_ROOM)
    instruct = bot.api.press_button(
        other_reporter, alerts_in(bot, WAR_ROOM, REFERENCE)[0], "a|1|instruct"
    )
    instruct_answer = await bot.api.wait_for_callback_answer(instruct)

    # Another agency's reporter is not even told that the incident exists.
    assert "ไม่พบเหตุการณ์นี้ หรือท่านไม่มีสิทธิ์เข้าถึง" in refused
    assert "ไม่พบเหตุการณ์นี้ หรือท่านไม่มีสิทธิ์เข้าถึง" in instruct_answer.text
    async with bot.runtime.db.read() as session:
        incident = await session.scalar(select(Incident))
        refusals = (
            await session.scalars(
                select(AuditEvent).where(
                    AuditEvent.action.in_(
                        [AuditAction.ALERT_ACTION_REFUSED, AuditAction.THREAD_ACTION_REFUSED]
                    )
                )
            )
        ).all()
    assert incident.acknowledged_at is None
    assert [r.detail["action"] for r in refusals] == ["acknowledge", "instruct"]
    assert executives  # the executives themselves were alerted


async def test_a_stranger_pressing_an_alert_button_in_the_war_room_is_refused(bot: Harness):
    bot.api.add_group(WAR_ROOM, "ห้องสถานการณ์")
    bot.configure(war_room_chat_id=WAR_ROOM)
    await filed_with_executives(bot)
    stranger = bot.api.add_user(6001, "ไม่รู้จัก")

    answer = await press_ack(bot, stranger, chat_id=WAR_ROOM)

    assert "ไม่มีสิทธิ์" in answer
    async with bot.runtime.db.read() as session:
        assert (await session.scalar(select(Incident))).acknowledged_at is None


async def test_forged_and_stale_alert_buttons_are_answered_gracefully(bot: Harness):
    executives, _ = await filed_with_executives(bot)
    [alert] = alerts_in(bot, executives[0].id, REFERENCE)

    answers = []
    for data in (
        "a|999999|ack",
        "a|abc|ack",
        "a|1|delete",
        "a||",
        "a|1|ack|x",
        "a|99999999999999999999|ack",
    ):
        query = bot.api.press_button(executives[0], alert, data, check=False)
        answers.append((await bot.api.wait_for_callback_answer(query)).text)

    assert all("ไม่พบเหตุการณ์นี้" in a for a in answers)
    async with bot.runtime.db.read() as session:
        assert (await session.scalar(select(Incident))).acknowledged_at is None


async def test_reminders_then_escalation_until_the_round_limit(bot: Harness):
    bot.configure(escalation_roster_ids=["PAL", "SNJ"])
    bot.configure(escalation_max_rounds=3)
    palat = await bot.join(4001, "PAL")
    head_office = await bot.join(4002, "SNJ")
    admin = await bot.join(3001, "ADMIN1")
    executives, _reporter = await filed_with_executives(bot)  # ด่วนที่สุด: 5 minutes

    await bot.advance(timedelta(minutes=4, seconds=59))
    nothing_yet = messages_with(bot, executives[0].id, "เตือนครั้งที่")
    await bot.advance(timedelta(seconds=1))
    first = messages_with(bot, executives[0].id, "เตือนครั้งที่ 1")
    escalated_early = alerts_in(bot, palat.id, REFERENCE)
    await bot.advance(timedelta(minutes=5))
    second = messages_with(bot, executives[0].id, "เตือนครั้งที่ 2")
    escalation = alerts_in(bot, palat.id, REFERENCE)
    await bot.advance(timedelta(minutes=5))
    third_palat = messages_with(bot, palat.id, "เตือนครั้งที่ 3")
    given_up = await bot.api.wait_for_message(admin.id, has("เตือนครบ 3 รอบ"))
    await bot.advance(timedelta(minutes=30))
    rounds = messages_with(bot, executives[0].id, "เตือนครั้งที่")

    [alert] = alerts_in(bot, executives[0].id, REFERENCE)
    assert nothing_yet == []
    assert len(first) == 1 and first[0].reply_to_message_id == alert.message_id
    assert "แจ้งมาแล้ว 5 นาที" in first[0].text
    assert escalated_early == []
    assert len(second) == 1
    assert len(escalation) == 1
    assert "ยกระดับการแจ้งเตือน" in escalation[0].text and "10 นาที" in escalation[0].text
    # On a lock screen the first line says what and where.
    assert "อุทกภัย · อ.ตะพานหิน — บ้านวังหลุม" in escalation[0].text.split("\n")[0]
    assert len(alerts_in(bot, head_office.id, REFERENCE)) == 1
    assert len(third_palat) == 1  # escalation contacts are reminded too
    assert REFERENCE in given_up.text
    assert len(rounds) == 3  # nothing after the limit
    async with bot.runtime.db.read() as session:
        roles = (await session.scalars(select(AlertRecipient.role))).all()
        kinds = (await session.scalars(select(IncidentEvent.kind))).all()
    assert roles.count(RecipientRole.ESCALATION) == 2
    assert kinds == [EventKind.FILED, EventKind.REMINDED, EventKind.ESCALATED, EventKind.REMINDED]


async def test_an_escalation_contact_may_acknowledge_and_that_stops_the_rounds(bot: Harness):
    bot.configure(escalation_roster_ids=["PAL"])
    palat = await bot.join(4001, "PAL")
    executives, _reporter = await filed_with_executives(bot)
    await bot.advance(timedelta(minutes=5))
    await bot.advance(timedelta(minutes=5))

    answer = await press_ack(bot, palat)
    await bot.advance(timedelta(minutes=30))

    assert "รับทราบแล้ว" in answer
    rounds = messages_with(bot, executives[0].id, "เตือนครั้งที่")
    assert len(rounds) == 2
    [alert] = alerts_in(bot, executives[0].id, REFERENCE)
    assert "รับทราบแล้วโดย นายสาธิต ทดสอบการ" in alert.text


async def test_after_downtime_only_the_current_round_fires(bot: Harness):
    bot.configure(escalation_roster_ids=["PAL"])
    palat = await bot.join(4001, "PAL")
    admin = await bot.join(3001, "ADMIN1")
    executives, _reporter = await filed_with_executives(bot)

    await bot.advance(timedelta(minutes=22))  # rounds 1-3 missed while nothing ran

    reminders = messages_with(bot, executives[0].id, "เตือนครั้งที่")
    assert len(reminders) == 1 and "เตือนครั้งที่ 3:" in reminders[0].text
    assert len(alerts_in(bot, palat.id, REFERENCE)) == 1
    assert messages_with(bot, admin.id, "เตือนครบ 3 รอบ")


async def test_acknowledging_before_the_deadline_means_no_reminder(bot: Harness):
    executives, _ = await filed_with_executives(bot)
    await press_ack(bot, executives[0])

    await bot.advance(timedelta(hours=2))

    for executive in executives:
        assert not messages_with(bot, executive.id, "เตือนครั้งที่")


async def test_the_deadline_depends_on_urgency(bot: Harness):
    executives = await bot.join_executives()
    reporter = await bot.join(2001, "D6601")
    await file_report(bot, reporter, ReportAnswers(urgency="🟡 ด่วน", photos=0))
    await bot.drain()

    await bot.advance(timedelta(minutes=29))
    early = messages_with(bot, executives[0].id, "เตือนครั้งที่")
    await bot.advance(timedelta(minutes=1))
    on_time = messages_with(bot, executives[0].id, "เตือนครั้งที่")

    assert early == []
    assert len(on_time) == 1


async def test_a_forged_acknowledge_button_does_not_tell_whether_an_incident_exists(bot: Harness):
    await filed_with_executives(bot)
    other_reporter = await bot.join(2002, "D6605")
    welcome = bot.api.last_message(other_reporter.id)

    answers = []
    for data in ("a|1|ack", "a|999|ack", "a|1|instruct", "a|999|instruct"):
        query = bot.api.press_button(other_reporter, welcome, data, check=False)
        answers.append((await bot.api.wait_for_callback_answer(query)).text)

    assert len(set(answers)) == 1
    assert "ไม่พบเหตุการณ์นี้" in answers[0]


async def test_a_reminder_says_what_and_where_first_and_carries_the_acknowledge_button(
    bot: Harness,
):
    executives, reporter = await filed_with_executives(bot)
    await bot.advance(timedelta(minutes=5))

    [reminder] = messages_with(bot, executives[2].id, "เตือนครั้งที่ 1")
    first_line = reminder.text.split("\n")[0]
    assert first_line.startswith("🔔 🔴 ด่วนที่สุด · อุทกภัย · อ.ตะพานหิน — บ้านวังหลุม")
    assert reminder.callback_data == ["a|1|ack"]

    answer = await bot.api.wait_for_callback_answer(
        bot.api.press_button(executives[2], reminder, "a|1|ack")
    )
    await bot.drain()
    assert "รับทราบแล้ว" in answer.text
    async with bot.runtime.db.read() as session:
        incident = await session.scalar(select(Incident))
    assert incident.acknowledged_at is not None and reporter is not None
