"""Follow-ups after the alert go where the roster says now, not where the alert once went."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from incidents.audit import CLI_ACTOR
from incidents.outbox import params as outbox_params
from incidents.roster import people as roster
from storage.models import Delivery, DeliveryStatus, Province
from tests.fakes import FakeUser, SentMessage
from tests.support.harness import Harness
from tests.support.reporting import ReportAnswers, alerts_in, file_report, has

REFERENCE = "PCT-2569-0001"
NEWS = "ระดับน้ำเพิ่มขึ้นอีก 10 ซม."


async def filed(bot: Harness) -> tuple[list[FakeUser], FakeUser]:
    """Four executives alerted, and the first deputy acknowledged (so no reminders run)."""
    executives = await bot.join_executives()
    reporter = await bot.join(2001, "D6604")
    await file_report(bot, reporter, ReportAnswers(photos=0, pin=None))
    await bot.drain()
    deputy = executives[1]
    alert = alerts_in(bot, deputy.id, REFERENCE)[0]
    await bot.api.wait_for_callback_answer(bot.api.press_button(deputy, alert, "a|1|ack"))
    await bot.drain()
    return executives, reporter


async def send_news(bot: Harness, reporter: FakeUser, text: str) -> None:
    filed_message = next(
        m for m in bot.api.sent_messages(reporter.id) if "ส่งรายงานแล้ว" in (m.text or "")
    )
    menu = await bot.press(reporter, filed_message, "t|1|menu", expect=has(REFERENCE))
    await bot.press(reporter, menu, "t|1|news", expect=has("ส่งความคืบหน้าของ"))
    await bot.say(reporter, text, expect=has("ส่งถึงผู้บริหารแล้ว"))


def news_in(bot: Harness, chat_id: int, text: str) -> list[SentMessage]:
    return [m for m in bot.api.sent_messages(chat_id) if text in (m.text or "")]


async def deliveries_to(bot: Harness, person_roster_id: str, text: str) -> list[Delivery]:
    person = await bot.person(person_roster_id)
    async with bot.runtime.db.read() as session:
        rows = (
            await session.scalars(select(Delivery).where(Delivery.person_id == person.id))
        ).all()
    return [d for d in rows if text in outbox_params.read(d).text.plain()]


async def test_a_deactivated_executive_gets_nothing_more_and_queued_rows_are_skipped(
    bot: Harness,
):
    executives, reporter = await filed(bot)
    governor = executives[0]
    # The Governor's next send fails once, so the news waits in the outbox for a retry.
    bot.api.fail_next("sendMessage", 500, chat_id=governor.id)
    await send_news(bot, reporter, NEWS)
    await bot.drain()
    async with bot.runtime.db.write() as session:
        province = await session.get_one(Province, bot.runtime.province_id)
        await roster.deactivate(session, province, "GOV", bot.clock.now(), CLI_ACTOR)
    await bot.advance(timedelta(minutes=10))  # the retry falls due
    await send_news(bot, reporter, "อพยพครบแล้ว")
    await bot.drain()

    assert not news_in(bot, governor.id, NEWS) and not news_in(bot, governor.id, "อพยพครบแล้ว")
    assert news_in(bot, executives[2].id, NEWS) and news_in(bot, executives[2].id, "อพยพครบแล้ว")
    [queued_before] = await deliveries_to(bot, "GOV", NEWS)
    assert queued_before.status is DeliveryStatus.SKIPPED
    assert "deactivated" in queued_before.last_error
    assert await deliveries_to(bot, "GOV", "อพยพครบแล้ว") == []


async def test_a_person_bound_to_a_new_account_gets_follow_ups_there(bot: Harness):
    executives, reporter = await filed(bot)
    old_account = executives[0]
    bot.api.fail_next("sendMessage", 500, chat_id=old_account.id)
    await send_news(bot, reporter, NEWS)
    await bot.drain()
    new_account = await bot.join(1099, "GOV", "ผู้ว่าฯ เครื่องใหม่")
    await bot.advance(timedelta(minutes=10))
    await send_news(bot, reporter, "อพยพครบแล้ว")
    await bot.drain()

    assert not news_in(bot, old_account.id, NEWS)
    assert not news_in(bot, old_account.id, "อพยพครบแล้ว")
    [queued_before] = news_in(bot, new_account.id, NEWS)
    [queued_after] = news_in(bot, new_account.id, "อพยพครบแล้ว")
    # The alert they could reply under is on the old account: these stand on their own.
    assert queued_before.reply_to_message_id is None and queued_after.reply_to_message_id is None
    [row] = await deliveries_to(bot, "GOV", NEWS)
    assert row.status is DeliveryStatus.SENT and row.chat_id == new_account.id
