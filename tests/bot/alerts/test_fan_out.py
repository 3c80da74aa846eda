"""Alerts reach every executive and the war room, with location and photos as replies."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import AlertRecipient, Delivery, DeliveryStatus, RecipientRole
from tests.support.harness import Harness
from tests.support.reporting import ReportAnswers, alerts_in, file_report, has

WAR_ROOM = -1001234567890
REFERENCE = "PCT-2569-0001"


async def test_every_executive_and_the_war_room_get_the_alert_with_replies(bot: Harness):
    bot.api.add_group(WAR_ROOM, "ห้องสถานการณ์ จ.พิจิตร")
    bot.configure(war_room_chat_id=WAR_ROOM)
    executives = await bot.join_executives()
    reporter = await bot.join(2001, "D6604")

    await file_report(bot, reporter, ReportAnswers(photos=2))
    await bot.drain()

    for chat in [*(e.id for e in executives), WAR_ROOM]:
        [alert] = alerts_in(bot, chat, REFERENCE)
        for part in (
            "ด่วนที่สุด",
            "อุทกภัย",
            "อ.ตะพานหิน",
            "บ้านวังหลุม",
            "28 พ.ย. 2569 14.00 น.",
            "นายตัวอย่าง หินสมมติ",
            "นายอำเภอตะพานหิน",
            "080-000-1604",
            "บาดเจ็บ 2",
            "สูญหาย ยังไม่ทราบ",
            "ครัวเรือน 45",
            "รอการรับทราบ",
        ):
            assert part in alert.text, (chat, part)
        assert [b["text"] for b in alert.buttons] == ["✅ รับทราบ", "📝 สั่งการ", "❓ ขอข้อมูลเพิ่มเติม"]
        replies = [
            m for m in bot.api.sent_messages(chat) if m.reply_to_message_id == alert.message_id
        ]
        assert sorted(m.kind for m in replies) == ["location", "photo", "photo"], chat
    progress = await bot.api.wait_for_message(
        reporter.id, has("ส่งถึงผู้บริหารแล้ว 4 จาก 4 คน"), timeout=10
    )
    assert "ยังไม่มีผู้บริหารรับทราบ" in progress.text
    async with bot.runtime.db.read() as session:
        roles = sorted((await session.scalars(select(AlertRecipient.role))).all())
        statuses = set((await session.scalars(select(Delivery.status))).all())
    assert roles == [RecipientRole.EXECUTIVE] * 4 + [RecipientRole.WAR_ROOM]
    assert statuses == {DeliveryStatus.SENT}


async def test_executives_who_have_not_joined_are_reported_to_admins(bot: Harness):
    governor = await bot.join(1001, "GOV")
    admin = await bot.join(3001, "ADMIN1")
    reporter = await bot.join(2002, "D6601")

    await file_report(bot, reporter, ReportAnswers(photos=0))
    notice = await bot.api.wait_for_message(admin.id, has("ยังไม่ได้เข้าร่วมบอท"), timeout=10)
    await bot.drain()

    assert len(alerts_in(bot, governor.id, REFERENCE)) == 1
    for name in ("นายทดลอง ใจสมมติ", "นางสาวตัวอย่าง ทดสอบสุข", "นายจำลอง สมมุติวงศ์"):
        assert name in notice.text
    assert "นายสมมติ ตัวอย่างดี" not in notice.text  # the Governor has joined
    assert REFERENCE in notice.text


async def test_free_text_is_escaped_and_a_long_description_is_cut_to_fit(bot: Harness):
    [governor] = (await bot.join_executives())[:1]
    reporter = await bot.join(2003, "D6602")
    payload = "<b>ไม่ใช่ตัวหนา</b> & <a href='x'>ลิงก์</a> "
    # Place, damage note and description at their maximum lengths exceed one message.
    answers = ReportAnswers(
        place=f"ตลาด {payload}",
        description=(payload + "น้ำท่วม" * 600)[:3500],
        damage="บ้านเสียหาย" * 90,
        photos=0,
    )

    await file_report(bot, reporter, answers)
    await bot.drain()

    [alert] = alerts_in(bot, governor.id, REFERENCE)
    assert f"ตลาด {payload}".strip() in alert.text
    assert len(alert.text.encode("utf-16-le")) // 2 <= 4096
    assert "(อ่านต่อในเว็บ)" in alert.text
    assert "รอการรับทราบ" in alert.text  # the status line survives the cut
