"""Filing a report end to end: happy path, review edits, cancelling, one incident per confirm."""

from __future__ import annotations

import asyncio
import hashlib

from sqlalchemy import func, select

from storage.models import (
    Attachment,
    Category,
    DraftStatus,
    EventKind,
    Incident,
    IncidentEvent,
    IncidentStatus,
    ReportDraft,
    Urgency,
)
from tests.fakes import make_png
from tests.support.harness import Harness, button_data
from tests.support.reporting import PHICHIT_PIN, ReportAnswers, alerts_in, fill_report, has


async def incidents(bot: Harness) -> list[Incident]:
    async with bot.runtime.db.read() as session:
        return list((await session.scalars(select(Incident).order_by(Incident.id))).all())


async def test_a_reporter_files_a_complete_report(bot: Harness):
    user = await bot.join(8001, "D6604")

    review = await fill_report(bot, user)
    filed = await bot.press(user, review, button_data(review, "ยืนยัน"), expect=has("ส่งรายงานแล้ว"))

    for part in (
        "ด่วนที่สุด",
        "อุทกภัย",
        "ระดับ 2 ขนาดกลาง",
        "ตะพานหิน",
        "บ้านวังหลุม",
        "16.44190, 100.34880",
        "28 พ.ย. 2569 14.00 น.",
        "บาดเจ็บ 2",
        "สูญหาย ยังไม่ทราบ",
        "ครัวเรือนได้รับผลกระทบ: 45",
        "ถนนในหมู่บ้าน",
        "ไฟล์แนบ: 1 รายการ",
    ):
        assert part in review.text, part
    assert "เลขที่ PCT-2569-0001" in filed.text
    assert filed.callback_data == ["t|1|menu"]  # the way to send news later
    [incident] = await incidents(bot)
    assert incident.reference == "PCT-2569-0001"
    assert incident.category is Category.FLOOD
    assert incident.urgency is Urgency.MOST_URGENT
    assert incident.ddpm_level == 2
    assert incident.district.code == "6604"
    assert (incident.latitude, incident.longitude) == PHICHIT_PIN
    assert incident.occurred_at == bot.clock.now()
    assert (incident.dead, incident.injured, incident.missing, incident.affected_households) == (
        0,
        2,
        None,
        45,
    )
    assert incident.reporter_name == "นายตัวอย่าง หินสมมติ"
    assert incident.reporter_phone == "080-000-1604"
    assert incident.agency_name == "ที่ว่าการอำเภอตะพานหิน"
    assert incident.status is IncidentStatus.REPORTED
    async with bot.runtime.db.read() as session:
        [attachment] = (await session.scalars(select(Attachment))).all()
        [event] = (await session.scalars(select(IncidentEvent))).all()
    stored = bot.settings.files_dir / attachment.stored_path
    assert attachment.incident_id == incident.id
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == attachment.sha256
    assert attachment.size == stored.stat().st_size
    assert event.kind is EventKind.FILED and event.incident_id == incident.id


async def test_the_reporters_own_district_is_offered_first(bot: Harness):
    user = await bot.join(8002, "D6609")
    prompt = await bot.say(user, "/report", expect=has("ประเภทใด"))
    prompt = await bot.press(
        user, prompt, button_data(prompt, "ความไม่สงบ"), expect=has("ความเร่งด่วน")
    )
    districts = await bot.press(user, prompt, button_data(prompt, "ด่วนมาก"), expect=has("อำเภอใด"))

    assert districts.buttons[0]["text"] == "สากเหล็ก"
    assert len([b for b in districts.buttons if b["callback_data"].count("|district|")]) == 12


async def test_a_field_changed_at_review_returns_to_the_review(bot: Harness):
    user = await bot.join(8003, "D6601")
    review = await fill_report(bot, user, ReportAnswers(category="ความไม่สงบ", ddpm=""))

    prompt = await bot.press(user, review, button_data(review, "สถานที่"), expect=has("แก้ไข: สถานที่"))
    back = await bot.say(user, "หน้าศาลากลางจังหวัดพิจิตร", expect=has("ตรวจสอบรายงาน"))

    assert "กลับไปหน้าสรุป" in str(prompt.buttons)
    assert "หน้าศาลากลางจังหวัดพิจิตร" in back.text
    assert "บ้านวังหลุม" not in back.text
    assert "ระดับสาธารณภัย" not in back.text  # not a disaster


async def test_changing_the_category_to_a_disaster_asks_the_ddpm_level(bot: Harness):
    user = await bot.join(8004, "D6602")
    review = await fill_report(bot, user, ReportAnswers(category="อาชญากรรม", ddpm=""))

    prompt = await bot.press(user, review, button_data(review, "ประเภทเหตุ"), expect=has("แก้ไข"))
    level = await bot.press(user, prompt, button_data(prompt, "อัคคีภัย"), expect=has("ระดับสาธารณภัย"))
    back = await bot.press(user, level, button_data(level, "ยังไม่ทราบ"), expect=has("ตรวจสอบรายงาน"))

    assert "อัคคีภัย" in back.text
    assert "ระดับสาธารณภัย: ยังไม่ทราบ" in back.text


async def test_cancel_works_at_any_step_and_from_the_review(bot: Harness):
    user = await bot.join(8005, "D6603")
    await bot.say(user, "/report", expect=has("ประเภทใด"))

    cancelled = await bot.say(user, "/cancel")
    nothing = await bot.say(user, "/cancel")
    review = await fill_report(bot, user)
    from_review = await bot.press(user, review, button_data(review, "ยกเลิก"), expect=has("ยกเลิก"))

    assert "ยกเลิกรายงานนี้แล้ว" in cancelled.text
    assert "ไม่มีรายงานที่กำลังกรอกอยู่" in nothing.text
    assert "ยกเลิกรายงานนี้แล้ว" in from_review.text
    assert await incidents(bot) == []
    async with bot.runtime.db.read() as session:
        statuses = (await session.scalars(select(ReportDraft.status))).all()
    assert sorted(statuses) == [DraftStatus.CANCELLED, DraftStatus.CANCELLED]


async def test_report_resumes_an_open_draft_instead_of_starting_over(bot: Harness):
    user = await bot.join(8006, "D6605")
    prompt = await bot.say(user, "/report", expect=has("ประเภทใด"))
    await bot.press(user, prompt, button_data(prompt, "วาตภัย"), expect=has("ความเร่งด่วน"))

    mark = bot.api.mark()
    bot.api.send_text(user, "🚨 แจ้งเหตุด่วน")
    again = await bot.api.wait_for_message(user.id, has("ความเร่งด่วน"), since=mark)

    notes = [m.text for m in bot.api.sent_messages(user.id, since=mark)]
    assert any("ทำต่อจากขั้นตอนเดิม" in text for text in notes)
    assert "ด่วนที่สุด" in str(again.buttons)


async def test_only_reporters_can_start_a_report(bot: Harness):
    governor = await bot.join(8007, "GOV")

    reply = await bot.say(governor, "/report")

    assert "เฉพาะผู้ที่มีบทบาทผู้รายงานเหตุ" in reply.text


async def test_a_double_tap_on_confirm_files_one_incident(bot: Harness):
    user = await bot.join(8008, "D6606")
    review = await fill_report(bot, user)
    confirm = button_data(review, "ยืนยัน")

    mark = bot.api.mark()
    first = bot.api.press_button(user, review, confirm)
    second = bot.api.press_button(user, review, confirm, check=False)
    await bot.api.wait_for_message(user.id, has("ส่งรายงานแล้ว"), since=mark)
    answer = await bot.api.wait_for_callback_answer(second)
    await bot.settle()

    assert len(await incidents(bot)) == 1
    assert (await bot.api.wait_for_callback_answer(first)).text is None
    assert "ส่งแล้ว เลขที่ PCT-2569-0001" in answer.text
    filed = [m for m in bot.api.sent_messages(user.id, since=mark) if "ส่งรายงานแล้ว" in m.text]
    assert len(filed) == 1


async def test_the_same_update_delivered_twice_files_one_incident(bot: Harness):
    user = await bot.join(8009, "D6607")
    review = await fill_report(bot, user)
    mark = bot.api.mark()
    bot.api.press_button(user, review, button_data(review, "ยืนยัน"))
    await bot.api.wait_for_message(user.id, has("ส่งรายงานแล้ว"), since=mark)
    delivered = [c for c in bot.api.calls("getUpdates") if c.result]
    update = next(u for c in delivered for u in c.result if "callback_query" in u)

    bot.api.redeliver(update)
    await bot.settle()

    deliveries = [
        u
        for c in bot.api.calls("getUpdates")
        if c.result
        for u in c.result
        if u["update_id"] == update["update_id"]
    ]
    assert len(deliveries) == 2  # the bot really received it twice
    assert len(await incidents(bot)) == 1
    filed = [m for m in bot.api.sent_messages(user.id, since=mark) if "ส่งรายงานแล้ว" in m.text]
    assert len(filed) == 1


async def test_concurrent_confirms_get_distinct_references(bot: Harness):
    chiefs = ["D6601", "D6602", "D6603", "D6604", "D6605", "D6606"]
    users = [await bot.join(8100 + i, roster_id) for i, roster_id in enumerate(chiefs)]
    reviews = await asyncio.gather(*(fill_report(bot, u, ReportAnswers(photos=0)) for u in users))

    mark = bot.api.mark()
    for user, review in zip(users, reviews, strict=True):
        bot.api.press_button(user, review, button_data(review, "ยืนยัน"))
    for user in users:
        await bot.api.wait_for_message(user.id, has("ส่งรายงานแล้ว"), since=mark, timeout=20)

    references = sorted(i.reference for i in await incidents(bot))
    assert references == [f"PCT-2569-{n:04d}" for n in range(1, len(chiefs) + 1)]


async def test_albums_and_documents_are_kept_with_their_hashes(bot: Harness):
    user = await bot.join(8010, "A-DDPM")
    review_answers = ReportAnswers(photos=0)
    review = await fill_report(bot, user, review_answers)
    await bot.press(user, review, button_data(review, "รูปภาพ"), expect=has("รูปภาพและไฟล์"))
    mark = bot.api.mark()
    bot.api.send_document(user, b"%PDF-1.4 report", "situation.pdf", "application/pdf")
    await bot.api.wait_for_message(user.id, has("ได้รับแล้ว (1"), since=mark)
    bot.api.send_voice(user, b"OggS voice", 4)
    ack = await bot.api.wait_for_message(user.id, has("ได้รับแล้ว (2"), since=mark)
    back = await bot.press(user, ack, button_data(ack, "เสร็จสิ้น"), expect=has("ตรวจสอบรายงาน"))

    assert "ไฟล์แนบ: 2 รายการ" in back.text
    async with bot.runtime.db.read() as session:
        rows = (await session.scalars(select(Attachment).order_by(Attachment.id))).all()
    assert [r.kind.value for r in rows] == ["document", "voice"]
    assert rows[0].file_name == "situation.pdf"
    assert rows[0].sha256 == hashlib.sha256(b"%PDF-1.4 report").hexdigest()
    assert rows[1].stored_path.endswith(".ogg")


async def test_files_over_the_count_or_size_limit_are_refused(bot: Harness):
    bot.configure(max_attachment_mb=0.004)  # about 4 KB
    bot.configure(max_attachments=2)
    user = await bot.join(8011, "A-PWA")
    review = await fill_report(bot, user, ReportAnswers(photos=1))
    await bot.press(user, review, button_data(review, "รูปภาพ"), expect=has("รูปภาพและไฟล์"))

    mark = bot.api.mark()
    bot.api.send_document(user, b"x" * 5000, "big.pdf", "application/pdf")
    too_large = await bot.api.wait_for_message(user.id, since=mark)
    mark = bot.api.mark()
    bot.api.send_document(user, b"small", "small.pdf", "application/pdf")
    await bot.api.wait_for_message(user.id, has("ได้รับแล้ว (2"), since=mark)
    mark = bot.api.mark()
    bot.api.send_photo(user, make_png(10, 10, (1, 2, 3)))
    too_many = await bot.api.wait_for_message(user.id, since=mark)

    assert "เกิน 0.004 MB" in too_large.text
    assert "ไม่เกิน 2 รายการ" in too_many.text
    async with bot.runtime.db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Attachment)) == 2


async def test_no_casualties_leaves_the_households_unknown(bot: Harness):
    executives = await bot.join_executives()
    user = await bot.join(8012, "D6612")
    review = await fill_report(bot, user, ReportAnswers(photos=0))
    prompt = await bot.press(
        user, review, button_data(review, "ผู้ได้รับผลกระทบ"), expect=has("แก้ไข: ผู้ได้รับผลกระทบ")
    )

    back = await bot.press(
        user, prompt, button_data(prompt, "ไม่มีผู้เสียชีวิต"), expect=has("ตรวจสอบรายงาน")
    )
    await bot.press(user, back, button_data(back, "ยืนยัน"), expect=has("ส่งรายงานแล้ว"))
    await bot.drain()
    [incident] = await incidents(bot)
    [alert] = alerts_in(bot, executives[0].id, incident.reference)

    assert (incident.dead, incident.injured, incident.missing) == (0, 0, 0)
    assert incident.affected_households is None
    assert "ครัวเรือนได้รับผลกระทบ: ยังไม่ทราบ" in back.text
    assert "เสียชีวิต 0 · บาดเจ็บ 0 · สูญหาย 0 · ครัวเรือน ยังไม่ทราบ" in alert.text
