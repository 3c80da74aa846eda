"""A burst of reports is carried at Telegram's own flood limits without losing a message."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from tests.support.harness import Harness, button_data
from tests.support.reporting import ReportAnswers, alerts_in, fill_report, has

DISTRICT_CHIEFS = ["D6601", "D6602", "D6603", "D6604", "D6605", "D6606"]


async def test_a_burst_under_flood_limits_delivers_every_alert_exactly_once(bot: Harness):
    executives = await bot.join_executives()
    reporters = [await bot.join(2200 + i, r) for i, r in enumerate(DISTRICT_CHIEFS)]
    answers = ReportAnswers(pin=None, damage=None, photos=0)
    reviews = await asyncio.gather(*(fill_report(bot, r, answers) for r in reporters))
    await bot.drain()
    # From here the fake Bot API answers 429 like Telegram when a chat gets over one message
    # a second or the bot over thirty a second.
    bot.api.enforce_rate_limits(per_chat_per_second=1, global_per_second=30)

    mark = bot.api.mark()
    for reporter, review in zip(reporters, reviews, strict=True):
        bot.api.press_button(reporter, review, button_data(review, "ยืนยัน"))
    for reporter in reporters:
        await bot.api.wait_for_message(reporter.id, has("ส่งรายงานแล้ว"), since=mark, timeout=30)
    references = [f"PCT-2569-{n:04d}" for n in range(1, len(reporters) + 1)]

    def delivered() -> bool:
        return all(alerts_in(bot, e.id, ref) for e in executives for ref in references)

    for _ in range(40):
        if delivered():
            break
        await bot.advance(timedelta(seconds=5))  # back-off is measured on the app's clock
    await bot.drain()

    assert bot.api.rate_limited_count > 0  # the limits really bit
    for executive in executives:
        for reference in references:
            assert len(alerts_in(bot, executive.id, reference)) == 1, (executive.id, reference)
