"""Walking a reporter through the report conversation in tests."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tests.fakes import FakeUser, SentMessage, make_png
from tests.support.harness import Driver, Harness, button_data

# Inside Phichit (Mueang Phichit), and far outside it (Bangkok).
PHICHIT_PIN = (16.4419, 100.3488)
BANGKOK_PIN = (13.7563, 100.5018)


def has(text: str):
    """A predicate: the bot message contains `text`."""
    return lambda message: text in (message.text or "")


@dataclass
class ReportAnswers:
    """What the test reporter answers at each step."""

    category: str = "อุทกภัย"
    urgency: str = "ด่วนที่สุด"
    ddpm: str = "ระดับ 2"
    district: str = "ตะพานหิน"
    place: str = "บ้านวังหลุม หมู่ 3 ต.วังหลุม ริมแม่น้ำน่าน"
    pin: tuple[float, float] | None = PHICHIT_PIN
    when: str = "เพิ่งเกิด"
    description: str = "น้ำจากแม่น้ำน่านล้นตลิ่งเข้าท่วมบ้านเรือน ระดับน้ำสูง 80 ซม. กำลังอพยพ"
    impact: str = "เสียชีวิต 0 บาดเจ็บ 2 ครัวเรือน 45"
    damage: str | None = "ถนนในหมู่บ้านถูกน้ำท่วม สัญจรไม่ได้"
    photos: int = 1


async def fill_report(
    bot: Driver, user: FakeUser, answers: ReportAnswers | None = None
) -> SentMessage:
    """Answer every step from /report to the review; return the review message."""
    a = answers or ReportAnswers()
    prompt = await bot.say(user, "/report", expect=has("ประเภทใด"))
    prompt = await bot.press(
        user, prompt, button_data(prompt, a.category), expect=has("ความเร่งด่วน")
    )
    nxt = "ระดับสาธารณภัย" if a.ddpm else "เกิดในอำเภอใด"
    prompt = await bot.press(user, prompt, button_data(prompt, a.urgency), expect=has(nxt))
    if a.ddpm:
        prompt = await bot.press(user, prompt, button_data(prompt, a.ddpm), expect=has("อำเภอใด"))
    prompt = await bot.press(
        user, prompt, button_data(prompt, a.district), expect=has("สถานที่เกิดเหตุ")
    )
    await bot.say(user, a.place, expect=has("ส่งตำแหน่งปัจจุบัน"))
    mark = bot.api.mark()
    if a.pin is not None:
        bot.api.send_location(user, *a.pin)
    else:
        bot.api.send_text(user, "ข้าม")
    prompt = await bot.api.wait_for_message(user.id, has("เวลาเกิดเหตุ"), since=mark, timeout=10)
    if a.when.startswith("เพิ่งเกิด"):
        prompt = await bot.press(user, prompt, button_data(prompt, a.when), expect=has("รายละเอียด"))
    else:
        await bot.say(user, a.when, expect=has("พิมพ์รายละเอียด"))
    await bot.say(user, a.description, expect=has("ผู้ได้รับผลกระทบ"))
    prompt = await bot.say(user, a.impact, expect=has("ความเสียหาย"))
    if a.damage is None:
        prompt = await bot.press(
            user, prompt, button_data(prompt, "ข้าม"), expect=has("รูปภาพและไฟล์")
        )
    else:
        prompt = await bot.say(user, a.damage, expect=has("รูปภาพและไฟล์"))
    for index in range(a.photos):
        mark = bot.api.mark()
        bot.api.send_photo(user, make_png(32 + index, 24, (200, 30 * index % 255, 40)))
        prompt = await bot.api.wait_for_message(user.id, has("ได้รับแล้ว"), since=mark, timeout=10)
    return await bot.press(user, prompt, button_data(prompt, "เสร็จสิ้น"), expect=has("ตรวจสอบรายงาน"))


async def file_report(
    bot: Harness, user: FakeUser, answers: ReportAnswers | None = None
) -> SentMessage:
    """Fill in and confirm a report; return the "filed" message."""
    review = await fill_report(bot, user, answers)
    return await bot.press(user, review, button_data(review, "ยืนยัน"), expect=has("ส่งรายงานแล้ว"))


_REFERENCE = re.compile(r"PCT-[\w-]+\d")


def own_reference(text: str) -> str | None:
    """The reference an alert (or any message) names first: its own; another one below it is
    a related incident's (`อาจเป็นเหตุเดียวกับ …`)."""
    found = _REFERENCE.search(text)
    return found.group(0) if found else None


def alerts_in(bot: Harness, chat_id: int, reference: str) -> list[SentMessage]:
    """The alert messages (not replies or reminders) for `reference` in a chat: an alert names
    its own reference first (another one below it is a related incident's)."""
    return [
        m
        for m in bot.api.sent_messages(chat_id)
        if m.kind == "text"
        and "เกิดเหตุ" in (m.original_text or "")
        and own_reference(m.original_text or "") == reference
    ]
