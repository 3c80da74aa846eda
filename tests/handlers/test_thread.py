"""After the alert: updates, instructions, requests, lifecycle and who may do what."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from storage.models import (
    Attachment,
    AuditAction,
    AuditEvent,
    EventKind,
    Incident,
    IncidentEvent,
    IncidentStatus,
)
from tests.fakes import FakeUser, SentMessage, make_png
from tests.support.harness import Harness
from tests.support.reporting import ReportAnswers, alerts_in, file_report, has

REFERENCE = "PCT-2569-0001"


async def setup(bot: Harness) -> tuple[list[FakeUser], FakeUser, SentMessage]:
    executives = await bot.join_executives()
    reporter = await bot.join(2001, "D6604")
    filed = await file_report(bot, reporter, ReportAnswers(photos=0, pin=None))
    await bot.drain()
    return executives, reporter, filed


def thread_in(bot: Harness, chat_id: int, part: str) -> list[SentMessage]:
    return [m for m in bot.api.sent_messages(chat_id) if part in (m.text or "")]


def alert_of(bot: Harness, chat_id: int) -> SentMessage:
    [alert] = alerts_in(bot, chat_id, REFERENCE)
    return alert


async def timeline(bot: Harness) -> list[EventKind]:
    async with bot.runtime.db.read() as session:
        return list(
            (await session.scalars(select(IncidentEvent.kind).order_by(IncidentEvent.id))).all()
        )


async def incident(bot: Harness) -> Incident:
    async with bot.runtime.db.read() as session:
        found: Incident | None = await session.scalar(select(Incident))
    assert found is not None
    return found


async def open_menu(bot: Harness, user: FakeUser, filed: SentMessage) -> SentMessage:
    return await bot.press(user, filed, "t|1|menu", expect=has(REFERENCE))


async def test_reporter_news_reaches_every_executive_under_their_alert(bot: Harness):
    executives, reporter, filed = await setup(bot)
    menu = await open_menu(bot, reporter, filed)
    prompt = await bot.press(reporter, menu, "t|1|news", expect=has("ส่งความคืบหน้าของ"))

    await bot.say(reporter, "ระดับน้ำลดลง 20 ซม. อพยพครบแล้ว", expect=has("ส่งถึงผู้บริหารแล้ว"))
    mark = bot.api.mark()
    bot.api.send_photo(reporter, make_png(20, 20, (10, 120, 200)), caption="ภาพล่าสุด")
    await bot.api.wait_for_message(reporter.id, has("ส่งถึงผู้บริหารแล้ว"), since=mark)
    mark = bot.api.mark()
    bot.api.send_location(reporter, 16.44, 100.35)
    await bot.api.wait_for_message(reporter.id, has("ส่งถึงผู้บริหารแล้ว"), since=mark)
    done = await bot.press(reporter, prompt, "t|1|done", expect=has("ขอบคุณ"))
    await bot.drain()

    for executive in executives:
        alert = alert_of(bot, executive.id)
        under = [
            m
            for m in bot.api.sent_messages(executive.id)
            if m.reply_to_message_id == alert.message_id
        ]
        texts = [m.text or "" for m in under if m.kind == "text"]
        assert any("ระดับน้ำลดลง 20 ซม." in text and "นายตัวอย่าง หินสมมติ" in text for text in texts), (
            executive.id
        )
        assert {"photo", "location"} <= {m.kind for m in under}
    assert done is not None
    assert (await timeline(bot)).count(EventKind.UPDATE) == 3


async def test_status_changes_are_threaded_and_refused_when_unchanged(bot: Harness):
    executives, reporter, filed = await setup(bot)
    menu = await open_menu(bot, reporter, filed)

    changed = await bot.press(reporter, menu, "t|1|st:under_control", expect=has("สถานะใหม่"))
    query = bot.api.press_button(reporter, menu, "t|1|st:under_control")
    same = await bot.api.wait_for_callback_answer(query)
    forged = bot.api.press_button(reporter, menu, "t|1|st:closed", check=False)
    forged_answer = await bot.api.wait_for_callback_answer(forged)
    await bot.drain()

    assert "ควบคุมสถานการณ์ได้แล้ว" in changed.text
    assert "อยู่ในสถานะนี้อยู่แล้ว" in same.text
    assert "ไม่มีสิทธิ์" in forged_answer.text
    assert (await incident(bot)).status is IncidentStatus.UNDER_CONTROL
    assert thread_in(bot, executives[0].id, "สถานะ: ควบคุมสถานการณ์ได้แล้ว")


async def test_an_executive_replying_to_the_alert_instructs_the_reporter(bot: Harness):
    executives, reporter, _ = await setup(bot)
    alert = alert_of(bot, executives[0].id)

    mark = bot.api.mark()
    bot.api.send_text(executives[0], "ให้ประสาน ปภ. จัดเรือท้องแบน 2 ลำ", reply_to=alert)
    sent = await bot.api.wait_for_message(executives[0].id, has("ส่งข้อสั่งการ"), since=mark)
    instruction = await bot.api.wait_for_message(reporter.id, has("ข้อสั่งการ เหตุ"), since=mark)
    await bot.drain()
    copies = thread_in(bot, executives[1].id, "ให้ประสาน ปภ.")

    assert "นายสมมติ ตัวอย่างดี" in instruction.text and "เรือท้องแบน" in instruction.text
    assert sent is not None
    assert instruction.callback_data == ["i|1"]
    assert copies and copies[0].reply_to_message_id == alert_of(bot, executives[1].id).message_id
    assert not thread_in(bot, executives[0].id, "(ส่งถึงผู้รายงานแล้ว)")  # not echoed to its author

    acked = bot.api.press_button(reporter, instruction, "i|1")
    answer = await bot.api.wait_for_callback_answer(acked)
    await bot.drain()

    assert "รับทราบข้อสั่งการแล้ว" in answer.text
    assert thread_in(bot, executives[0].id, "รับทราบข้อสั่งการเหตุ")
    assert EventKind.INSTRUCTION_ACKNOWLEDGED in await timeline(bot)


async def test_instruct_button_then_typing_and_one_reminder_if_unacknowledged(bot: Harness):
    executives, reporter, _ = await setup(bot)
    alert = alert_of(bot, executives[2].id)

    prompt = await bot.press(executives[2], alert, "a|1|instruct", expect=has("พิมพ์ข้อสั่งการ"))
    await bot.say(executives[2], "รายงานความเสียหายทุก 2 ชั่วโมง", expect=has("ส่งข้อสั่งการ"))
    await bot.drain()
    await bot.advance(timedelta(minutes=bot.settings.instruction_remind_minutes))
    await bot.advance(timedelta(hours=2))

    reminders = thread_in(bot, reporter.id, "ข้อสั่งการเหตุ PCT-2569-0001 ยังไม่ได้รับทราบ")
    assert prompt is not None
    assert len(reminders) == 1
    assert reminders[0].callback_data == ["i|1"]
    assert (await timeline(bot)).count(EventKind.INSTRUCTION_REMINDED) == 1


async def test_a_request_for_information_and_its_answer_thread_back(bot: Harness):
    executives, reporter, _ = await setup(bot)
    alert = alert_of(bot, executives[1].id)

    await bot.press(executives[1], alert, "a|1|info", expect=has("ต้องการทราบเพิ่มเติม"))
    await bot.say(executives[1], "มีผู้สูงอายุติดค้างหรือไม่", expect=has("ส่งคำขอข้อมูล"))
    request = await bot.api.wait_for_message(reporter.id, has("ขอข้อมูลเพิ่มเติม"))
    await bot.press(reporter, request, "q|1", expect=has("พิมพ์ข้อมูลที่ผู้บริหารขอ"))
    await bot.say(reporter, "มีผู้สูงอายุ 3 คน อพยพไปวัดแล้ว", expect=has("ส่งข้อมูลถึงผู้บริหารแล้ว"))
    await bot.drain()

    for executive in executives:
        [answer] = thread_in(bot, executive.id, "ผู้สูงอายุ 3 คน")
        assert "ตอบ นายทดลอง ใจสมมติ" in answer.text
        assert answer.reply_to_message_id == alert_of(bot, executive.id).message_id
    kinds = await timeline(bot)
    assert EventKind.INFO_REQUESTED in kinds and EventKind.INFO_PROVIDED in kinds


async def test_the_reporter_may_answer_a_request_by_replying_to_it(bot: Harness):
    executives, reporter, _ = await setup(bot)
    alert = alert_of(bot, executives[0].id)
    await bot.press(executives[0], alert, "a|1|info", expect=has("ต้องการทราบเพิ่มเติม"))
    request_prompt = thread_in(bot, executives[0].id, "ต้องการทราบเพิ่มเติม")[-1]
    await bot.press(executives[0], request_prompt, "t|1|noq", expect=has("ส่งคำขอข้อมูล"))
    request = await bot.api.wait_for_message(reporter.id, has("ขอข้อมูลเพิ่มเติม"))
    # A person replies after reading, by which time the request's message id is on record;
    # replying within the millisecond between the fake's answer and that record is not a case.
    await bot.drain()

    mark = bot.api.mark()
    bot.api.send_text(reporter, "ถนนสายหลักยังสัญจรได้", reply_to=request)
    await bot.api.wait_for_message(reporter.id, has("ส่งข้อมูลถึงผู้บริหารแล้ว"), since=mark)
    await bot.drain()

    assert thread_in(bot, executives[0].id, "ถนนสายหลักยังสัญจรได้")


async def test_closing_refuses_news_and_an_executive_can_reopen(bot: Harness):
    executives, reporter, filed = await setup(bot)
    menu = await open_menu(bot, reporter, filed)
    await bot.press(reporter, menu, "t|1|close", expect=has("พิมพ์สรุป"))
    await bot.say(reporter, "น้ำลดเข้าสู่ภาวะปกติ ไม่มีผู้บาดเจ็บเพิ่ม", expect=has("ปิดเหตุการณ์"))
    await bot.drain()

    refused = bot.api.press_button(reporter, menu, "t|1|news")
    refusal = await bot.api.wait_for_callback_answer(refused)
    notice = thread_in(bot, executives[0].id, "ปิดเหตุการณ์ PCT-2569-0001")[0]
    reporter_reopen = bot.api.press_button(reporter, notice, "t|1|reopen", check=False)
    not_yours = await bot.api.wait_for_callback_answer(reporter_reopen)
    await bot.press(executives[0], notice, "t|1|reopen", expect=has("เปิดเหตุการณ์"))
    await bot.drain()
    after = await incident(bot)

    assert "ปิดแล้ว" in refusal.text
    assert "น้ำลดเข้าสู่ภาวะปกติ" in notice.text
    assert "ไม่มีสิทธิ์" in not_yours.text
    assert after.status is IncidentStatus.IN_PROGRESS
    assert after.closed_at is None and after.close_summary == "น้ำลดเข้าสู่ภาวะปกติ ไม่มีผู้บาดเจ็บเพิ่ม"
    assert thread_in(bot, reporter.id, "เปิดเหตุการณ์ PCT-2569-0001 อีกครั้ง")
    kinds = await timeline(bot)
    assert kinds.index(EventKind.CLOSED) < kinds.index(EventKind.REOPENED)


async def test_an_executive_can_close_and_the_reporter_is_told(bot: Harness):
    executives, reporter, _ = await setup(bot)
    alert = alert_of(bot, executives[0].id)
    menu = await bot.press(executives[0], alert, "a|1|instruct", expect=has("พิมพ์ข้อสั่งการ"))
    await bot.say(executives[0], "/cancel", expect=has("ยกเลิกแล้ว"))
    open_list = await bot.say(executives[0], "/open", expect=has(REFERENCE))
    actions = await bot.press(executives[0], open_list, "t|1|menu", expect=has(REFERENCE))
    await bot.press(executives[0], actions, "t|1|close", expect=has("พิมพ์สรุป"))
    await bot.say(executives[0], "สถานการณ์ยุติ ส่งต่ออำเภอดูแล", expect=has("ปิดเหตุการณ์"))
    await bot.drain()

    assert menu is not None
    assert thread_in(bot, reporter.id, "สถานการณ์ยุติ")
    assert (await incident(bot)).status is IncidentStatus.CLOSED


async def test_open_lists_what_each_person_may_see(bot: Harness):
    executives, reporter, _ = await setup(bot)
    other = await bot.join(2002, "D6605")

    mine = await bot.say(reporter, "/open", expect=has("PCT"))
    theirs = await bot.say(other, "/open")
    executive = await bot.say(executives[3], "/open", expect=has("PCT"))

    assert REFERENCE in mine.text and "รอรับทราบ" in mine.text
    assert "ไม่มีเหตุการณ์ที่ยังเปิดอยู่" in theirs.text
    assert REFERENCE in executive.text and "t|1|menu" in executive.callback_data


async def test_another_agency_cannot_update_or_close(bot: Harness):
    _, _, filed = await setup(bot)
    other = await bot.join(2002, "D6605")
    menu_query = bot.api.press_button(other, filed, "t|1|menu", check=False)
    news_query = bot.api.press_button(other, filed, "t|1|news", check=False)
    close_query = bot.api.press_button(other, filed, "t|1|close", check=False)

    answers = [
        await bot.api.wait_for_callback_answer(q) for q in (menu_query, news_query, close_query)
    ]
    update = await bot.say(other, "/update")

    assert all("ไม่พบเหตุการณ์นี้" in a.text for a in answers)
    assert "ไม่มีเหตุการณ์ที่ยังเปิดอยู่ในหน่วยงาน" in update.text
    async with bot.runtime.db.read() as session:
        refused = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.action == AuditAction.THREAD_ACTION_REFUSED)
            )
        ).all()
    assert [r.detail["action"] for r in refused] == ["view", "post_update", "close"]


async def test_an_executive_who_did_not_get_the_alert_cannot_instruct(bot: Harness):
    executives, reporter, _ = await setup(bot)
    # Joined after the alert went out: not among its recipients.
    await bot.join(4001, "PAL")
    async with bot.runtime.db.write() as session:
        from incidents.roster import people as roster
        from storage.models import PersonRole, Role

        person = await roster.find_by_telegram_id(session, 4001)
        person.role_rows.append(PersonRole(role=Role.EXECUTIVE))
    latecomer = bot.api.user(4001)
    alert = alert_of(bot, executives[0].id)

    query = bot.api.press_button(latecomer, alert, "a|1|instruct", check=False)
    answer = await bot.api.wait_for_callback_answer(query)

    assert "ไม่ได้อยู่ในรายชื่อผู้รับการแจ้งเตือน" in answer.text
    assert not thread_in(bot, reporter.id, "ข้อสั่งการ เหตุ")


async def test_a_news_file_refused_on_a_closed_incident_leaves_only_its_audit_entry(bot: Harness):
    executives, reporter, filed = await setup(bot)
    menu = await open_menu(bot, reporter, filed)
    news = await bot.press(reporter, menu, "t|1|news", expect=has("ส่งความคืบหน้าของ"))
    open_list = await bot.say(executives[0], "/open", expect=has(REFERENCE))
    executive_menu = await open_menu(bot, executives[0], open_list)
    await bot.press(executives[0], executive_menu, "t|1|close", expect=has("พิมพ์สรุป"))
    await bot.say(executives[0], "สถานการณ์ยุติแล้ว", expect=has("ปิดเหตุการณ์"))
    await bot.drain()
    async with bot.runtime.db.read() as session:
        files_before = await session.scalar(select(func.count()).select_from(Attachment))

    mark = bot.api.mark()
    bot.api.send_photo(reporter, make_png(20, 20, (10, 120, 200)), caption="ภาพหลังปิด")
    refusal = await bot.api.wait_for_message(reporter.id, has("ปิดแล้ว"), since=mark)
    await bot.drain()

    assert news is not None and "ปิดแล้ว" in refusal.text
    async with bot.runtime.db.read() as session:
        files_after = await session.scalar(select(func.count()).select_from(Attachment))
        refused = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.action == AuditAction.THREAD_ACTION_REFUSED)
            )
        ).all()
    assert files_after == files_before
    assert [r.detail["action"] for r in refused] == ["post_update"]
    assert not [m for m in bot.api.sent_messages(executives[1].id) if m.kind == "photo"]


async def test_the_same_refusal_pressed_again_and_again_is_one_audit_row_with_a_count(
    bot: Harness,
):
    _, _, filed = await setup(bot)
    other = await bot.join(2002, "D6605")

    for _ in range(5):
        query = bot.api.press_button(other, filed, "t|1|close", check=False)
        await bot.api.wait_for_callback_answer(query)

    async with bot.runtime.db.read() as session:
        rows = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.action == AuditAction.THREAD_ACTION_REFUSED)
            )
        ).all()
    assert [(r.detail["action"], r.count) for r in rows] == [("close", 5)]
