"""MAX_ATTACHMENTS and MAX_ATTACHMENT_MB hold for every way a file arrives: a report at any
step, and news about an incident."""

from __future__ import annotations

import copy

from sqlalchemy import func, select

from storage.models import Attachment
from tests.fakes import FakeUser, make_png
from tests.support.harness import Harness
from tests.support.reporting import ReportAnswers, file_report, has


async def attachment_count(bot: Harness) -> int:
    async with bot.runtime.db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(Attachment)) or 0)


def kept_copies(bot: Harness) -> list[str]:
    folder = bot.settings.files_dir
    return [p.name for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


async def test_the_count_limit_holds_for_files_sent_before_the_photo_step(bot: Harness):
    bot.configure(max_attachments=2)
    user = await bot.join(9201, "D6601")
    await bot.say(user, "/report", expect=has("ประเภทใด"))

    for index in range(2):
        mark = bot.api.mark()
        bot.api.send_photo(user, make_png(10 + index, 10, (1, 2, 3)))
        await bot.api.wait_for_message(user.id, has(f"รวม {index + 1} รายการ"), since=mark)
    mark = bot.api.mark()
    bot.api.send_photo(user, make_png(20, 20, (3, 2, 1)))
    refusal = await bot.api.wait_for_message(user.id, has("ไม่เกิน 2 รายการ"), since=mark)
    again = await bot.api.wait_for_message(user.id, has("ประเภทใด"), since=mark)

    assert "ไม่ได้เก็บไว้" in refusal.text and "เสร็จสิ้น" not in refusal.text
    assert again.callback_data
    assert await attachment_count(bot) == 2


async def test_a_file_over_the_size_limit_is_refused_before_it_is_downloaded(bot: Harness):
    bot.configure(max_attachment_mb=0.004)  # about 4 KB
    user = await bot.join(9202, "D6602")
    await bot.say(user, "/report", expect=has("ประเภทใด"))

    mark = bot.api.mark()
    bot.api.send_document(user, b"x" * 5000, "big.pdf", "application/pdf")
    refusal = await bot.api.wait_for_message(user.id, has("เกิน 0.004 MB"), since=mark)
    await bot.api.wait_for_message(user.id, has("ประเภทใด"), since=mark)

    assert refusal is not None
    assert not bot.api.calls("getFile", since=mark)
    assert await attachment_count(bot) == 0


async def test_a_file_of_undeclared_size_is_measured_once_downloaded(bot: Harness):
    bot.configure(max_attachment_mb=0.004)
    user = await bot.join(9203, "D6603")
    await bot.say(user, "/report", expect=has("ประเภทใด"))
    mark = bot.api.mark()
    sent = bot.api.send_document(user, b"y" * 5000, "big.pdf", "application/pdf")
    await bot.api.wait_for_message(user.id, has("เกิน 0.004 MB"), since=mark)

    # The same file again, as Telegram may send it: without file_size.
    message = copy.deepcopy(sent.message)
    del message["document"]["file_size"]
    message["message_id"] += 100
    mark = bot.api.mark()
    bot.api.inject_update({"message": message})
    refusal = await bot.api.wait_for_message(user.id, has("เกิน 0.004 MB"), since=mark)

    assert refusal is not None
    assert bot.api.calls("getFile", since=mark)  # it had to be fetched to be measured
    assert await attachment_count(bot) == 0
    assert kept_copies(bot) == []


async def news_prompt(bot: Harness, reporter: FakeUser) -> None:
    filed = await file_report(bot, reporter, ReportAnswers(photos=1, pin=None))
    await bot.drain()
    menu = await bot.press(
        reporter, filed, "t|1|menu", expect=lambda m: "t|1|news" in m.callback_data
    )
    await bot.press(reporter, menu, "t|1|news", expect=has("ส่งความคืบหน้าของ"))


async def test_files_sent_as_news_count_against_the_incident_not_the_report(bot: Harness):
    await bot.join_executives()
    reporter = await bot.join(9204, "D6604")
    await news_prompt(bot, reporter)
    bot.configure(max_attachments=2)

    for index in range(2):
        mark = bot.api.mark()
        bot.api.send_photo(reporter, make_png(30 + index, 30, (5, 5, 5)))
        await bot.api.wait_for_message(reporter.id, has("ส่งถึงผู้บริหารแล้ว"), since=mark)
    mark = bot.api.mark()
    bot.api.send_photo(reporter, make_png(40, 40, (6, 6, 6)))
    refusal = await bot.api.wait_for_message(reporter.id, has("ไม่เกิน 2 รายการ"), since=mark)
    text = await bot.say(reporter, "ระดับน้ำทรงตัว", expect=has("ส่งถึงผู้บริหารแล้ว"))
    await bot.drain()

    assert "ต่อเหตุการณ์" in refusal.text and text is not None
    assert await attachment_count(bot) == 3  # the report's photo and two news photos
    governor_photos = [m for m in bot.api.sent_messages(1001) if m.kind == "photo"]
    assert len(governor_photos) == 3


async def test_a_news_file_over_the_size_limit_is_refused_and_not_fetched(bot: Harness):
    reporter = await bot.join(9205, "D6605")
    await news_prompt(bot, reporter)
    bot.configure(max_attachment_mb=0.004)
    before = await attachment_count(bot)

    mark = bot.api.mark()
    bot.api.send_document(reporter, b"z" * 5000, "big.pdf", "application/pdf")
    refusal = await bot.api.wait_for_message(reporter.id, has("เกิน 0.004 MB"), since=mark)

    assert refusal is not None
    assert not bot.api.calls("getFile", since=mark)
    assert await attachment_count(bot) == before
