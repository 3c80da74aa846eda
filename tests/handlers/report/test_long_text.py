"""Text as long as Telegram lets a person send is kept whole, and cut only where it is shown."""

from __future__ import annotations

from sqlalchemy import select

from incidents.text.fitting import TELEGRAM_TEXT_LIMIT, measure
from storage.models import EventKind, Incident, IncidentEvent
from tests.support.harness import Harness, button_data
from tests.support.reporting import ReportAnswers, alerts_in, fill_report, has

SENTENCE = "น้ำจากแม่น้ำน่านล้นตลิ่งเข้าท่วมบ้านเรือนริมน้ำ เจ้าหน้าที่กำลังอพยพประชาชน "


def long_text(length: int) -> str:
    """Thai text of exactly `length` characters (what one Telegram message may carry)."""
    text = (SENTENCE * (length // len(SENTENCE) + 1))[:length]
    return text[:-1] + "ค"  # no trailing space for the cleaning to drop


async def test_a_description_as_long_as_one_message_is_kept_whole(bot: Harness):
    executives = await bot.join_executives()
    user = await bot.join(9301, "D6604")
    description = long_text(TELEGRAM_TEXT_LIMIT)

    review = await fill_report(bot, user, ReportAnswers(description=description, photos=0))
    filed = await bot.press(user, review, button_data(review, "ยืนยัน"), expect=has("ส่งรายงานแล้ว"))
    await bot.drain()
    [alert] = alerts_in(bot, executives[0].id, "PCT-2569-0001")

    async with bot.runtime.db.read() as session:
        incident = await session.scalar(select(Incident))
    assert incident is not None and incident.description == description
    for message in (review, filed):
        assert measure(message.text) <= TELEGRAM_TEXT_LIMIT
        assert "… (ข้อความเต็มบันทึกไว้แล้ว)" in message.text
    assert "หากถูกต้อง กด “ยืนยันส่งรายงาน”" in review.text  # the cut leaves the end in place
    assert "… (อ่านต่อในเว็บ)" in alert.text
    assert measure(alert.text) <= TELEGRAM_TEXT_LIMIT


async def test_long_news_is_kept_whole_and_cut_to_fit_under_the_alert(bot: Harness):
    executives = await bot.join_executives()
    reporter = await bot.join(9302, "D6605")
    filed = await file_report_plain(bot, reporter)
    menu = await bot.press(
        reporter, filed, "t|1|menu", expect=lambda m: "t|1|news" in m.callback_data
    )
    await bot.press(reporter, menu, "t|1|news", expect=has("ส่งความคืบหน้าของ"))
    news = long_text(TELEGRAM_TEXT_LIMIT)

    await bot.say(reporter, news, expect=has("ส่งถึงผู้บริหารแล้ว"))
    await bot.drain()

    async with bot.runtime.db.read() as session:
        update = await session.scalar(
            select(IncidentEvent).where(IncidentEvent.kind == EventKind.UPDATE)
        )
    assert update is not None and update.text == news
    for executive in executives:
        [shown] = [
            m for m in bot.api.sent_messages(executive.id) if "ความคืบหน้า PCT" in (m.text or "")
        ]
        assert measure(shown.text) <= TELEGRAM_TEXT_LIMIT
        assert shown.text.endswith("… (อ่านต่อในเว็บ)")


async def file_report_plain(bot: Harness, reporter):
    review = await fill_report(bot, reporter, ReportAnswers(photos=0, pin=None))
    filed = await bot.press(
        reporter, review, button_data(review, "ยืนยัน"), expect=has("ส่งรายงานแล้ว")
    )
    await bot.drain()
    return filed
