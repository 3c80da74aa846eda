"""Files and pins sent before their step: kept with the draft, and the current step asked again."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Attachment, DraftStatus, Incident, ReportDraft, ReportStep
from tests.fakes import FakeUser, make_png
from tests.support.harness import Harness, button_data
from tests.support.reporting import (
    BANGKOK_PIN,
    PHICHIT_PIN,
    ReportAnswers,
    alerts_in,
    file_report,
    fill_report,
    has,
)


async def open_draft(bot: Harness, roster_id: str) -> ReportDraft:
    person = await bot.person(roster_id)
    async with bot.runtime.db.read() as session:
        found = await session.scalar(
            select(ReportDraft).where(ReportDraft.person_id == person.id).order_by(ReportDraft.id)
        )
    assert found is not None
    return found


async def files_of(bot: Harness, draft_id: int) -> list[Attachment]:
    async with bot.runtime.db.read() as session:
        return list(
            (await session.scalars(select(Attachment).where(Attachment.draft_id == draft_id))).all()
        )


async def at_place(bot: Harness, user: FakeUser) -> None:
    prompt = await bot.say(user, "/report", expect=has("ประเภทใด"))
    prompt = await bot.press(user, prompt, button_data(prompt, "อื่น ๆ"), expect=has("ความเร่งด่วน"))
    prompt = await bot.press(user, prompt, button_data(prompt, "ด่วน"), expect=has("อำเภอใด"))
    await bot.press(user, prompt, button_data(prompt, "โพทะเล"), expect=has("สถานที่เกิดเหตุ"))


async def test_a_photo_sent_before_the_photo_step_is_kept_and_filed(bot: Harness):
    user = await bot.join(9101, "D6601")
    await bot.say(user, "/report", expect=has("ประเภทใด"))

    mark = bot.api.mark()
    bot.api.send_photo(user, make_png(12, 12, (90, 10, 10)), caption="ภาพจุดเกิดเหตุ")
    kept = await bot.api.wait_for_message(user.id, has("ได้รับรูปภาพแล้ว"), since=mark)
    again = await bot.api.wait_for_message(user.id, has("ประเภทใด"), since=mark)
    review = await fill_report(bot, user, ReportAnswers(photos=0))
    asked = [m for m in bot.api.sent_messages(user.id) if "<b>รูปภาพและไฟล์</b>" in m.raw_text]
    filed = await bot.press(user, review, button_data(review, "ยืนยัน"), expect=has("ส่งรายงานแล้ว"))

    assert "รวม 1 รายการ" in kept.text
    assert again.callback_data  # the category buttons again
    assert "เก็บไว้กับรายงานนี้แล้ว 1 รายการ" in asked[-1].text
    assert "ไฟล์แนบ: 1 รายการ" in review.text and "ไฟล์แนบ: 1 รายการ" in filed.text
    async with bot.runtime.db.read() as session:
        incident = await session.scalar(select(Incident))
    assert incident is not None
    [photo] = incident.attachments
    assert photo.caption == "ภาพจุดเกิดเหตุ" and photo.sha256 is not None


async def test_documents_voice_and_video_are_kept_at_any_step_too(bot: Harness):
    user = await bot.join(9102, "D6602")
    await at_place(bot, user)

    mark = bot.api.mark()
    bot.api.send_document(user, b"%PDF-1.4 map", "map.pdf", "application/pdf")
    await bot.api.wait_for_message(user.id, has("ได้รับเอกสารแล้ว"), since=mark)
    mark = bot.api.mark()
    bot.api.send_voice(user, b"OggS voice", 4)
    voice = await bot.api.wait_for_message(user.id, has("ได้รับข้อความเสียงแล้ว"), since=mark)
    again = await bot.api.wait_for_message(user.id, has("สถานที่เกิดเหตุ"), since=mark)

    assert "รวม 2 รายการ" in voice.text and again is not None
    draft = await open_draft(bot, "D6602")
    assert draft.step is ReportStep.PLACE
    assert [f.kind.value for f in await files_of(bot, draft.id)] == ["document", "voice"]


async def test_a_pin_sent_at_another_step_answers_the_location_question(bot: Harness):
    user = await bot.join(9103, "D6603")
    await at_place(bot, user)

    mark = bot.api.mark()
    bot.api.send_location(user, *PHICHIT_PIN)
    noted = await bot.api.wait_for_message(user.id, has("บันทึกพิกัดแล้ว"), since=mark)
    again = await bot.api.wait_for_message(user.id, has("สถานที่เกิดเหตุ"), since=mark)
    after_place = await bot.say(user, "ตลาดสดเทศบาล", expect=has("เวลาเกิดเหตุ"))

    assert noted.reply_markup.get("keyboard")  # the main keyboard is back
    assert again is not None and "ส่งตำแหน่งปัจจุบัน" not in after_place.text
    data = (await open_draft(bot, "D6603")).data
    assert (data["latitude"], data["longitude"]) == PHICHIT_PIN and data["location_answered"]


async def test_a_pin_outside_the_province_at_another_step_is_held_for_confirmation(bot: Harness):
    user = await bot.join(9104, "D6604")
    await bot.say(user, "/report", expect=has("ประเภทใด"))

    mark = bot.api.mark()
    bot.api.send_location(user, *BANGKOK_PIN)
    question = await bot.api.wait_for_message(user.id, has("นอกเขตจังหวัด"), since=mark)
    held = (await open_draft(bot, "D6604")).data
    back = await bot.press(
        user, question, button_data(question, "ใช้ตำแหน่งนี้"), expect=has("ประเภทใด")
    )

    assert held["latitude"] is None and held["pending_latitude"] == BANGKOK_PIN[0]
    assert back.callback_data
    data = (await open_draft(bot, "D6604")).data
    assert (data["latitude"], data["longitude"]) == BANGKOK_PIN


async def test_a_photo_with_no_open_report_starts_one_that_holds_it(bot: Harness):
    user = await bot.join(9105, "D6605")

    mark = bot.api.mark()
    bot.api.send_photo(user, make_png(14, 14, (10, 90, 10)))
    started = await bot.api.wait_for_message(user.id, has("เริ่มรายงานเหตุใหม่"), since=mark)
    prompt = await bot.api.wait_for_message(user.id, has("ประเภทใด"), since=mark)

    assert "เก็บรูปภาพ" in started.text
    assert "/cancel" in started.text and "/update" in started.text  # how to send it as news
    assert prompt.callback_data
    draft = await open_draft(bot, "D6605")
    assert draft.step is ReportStep.CATEGORY
    assert len(await files_of(bot, draft.id)) == 1


async def test_a_pin_with_no_open_report_starts_one_that_holds_it(bot: Harness):
    user = await bot.join(9106, "D6606")

    mark = bot.api.mark()
    bot.api.send_location(user, *PHICHIT_PIN)
    started = await bot.api.wait_for_message(user.id, has("เริ่มรายงานเหตุใหม่"), since=mark)
    await bot.api.wait_for_message(user.id, has("ประเภทใด"), since=mark)

    assert "เก็บพิกัด" in started.text and "/update" in started.text
    data = (await open_draft(bot, "D6606")).data
    assert (data["latitude"], data["longitude"]) == PHICHIT_PIN


async def test_a_photo_sent_as_a_reply_to_an_incidents_thread_is_news_not_a_new_report(
    bot: Harness,
):
    executives = await bot.join_executives()
    reporter = await bot.join(9107, "D6607")
    await file_report(bot, reporter, ReportAnswers(photos=0, pin=None))
    await bot.drain()
    alert = alerts_in(bot, executives[0].id, "PCT-2569-0001")[0]
    bot.api.send_text(executives[0], "ขอภาพล่าสุดของจุดเกิดเหตุ", reply_to=alert)
    instruction = await bot.api.wait_for_message(reporter.id, has("ข้อสั่งการ เหตุ"))
    await bot.drain()  # the delivery is recorded before anyone can answer it

    mark = bot.api.mark()
    bot.api.send_photo(reporter, make_png(16, 16, (1, 1, 1)), reply_to=instruction)
    sent = await bot.api.wait_for_message(reporter.id, has("ส่งถึงผู้บริหารแล้ว"), since=mark)
    await bot.drain()

    assert sent is not None
    assert not [m for m in bot.api.sent_messages(reporter.id, since=mark) if "เริ่มรายงาน" in m.text]
    assert [m for m in bot.api.sent_messages(executives[0].id, since=mark) if m.kind == "photo"]
    async with bot.runtime.db.read() as session:
        drafts = select(ReportDraft).where(ReportDraft.status == DraftStatus.OPEN)
        assert await session.scalar(drafts) is None
