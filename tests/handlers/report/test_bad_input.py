"""Bad input during a report: a clear Thai message, the same step again, nothing lost."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot import maintenance
from storage.models import DraftStatus, Incident, ReportDraft, ReportStep
from tests.fakes import SentMessage
from tests.support.harness import Harness, button_data
from tests.support.reporting import BANGKOK_PIN, ReportAnswers, fill_report, has


def entity_texts(message, kind: str) -> list[str]:
    """The text each entity of `kind` covers (offsets count UTF-16 code units)."""
    units = message.text.encode("utf-16-le")
    return [
        units[2 * e["offset"] : 2 * (e["offset"] + e["length"])].decode("utf-16-le")
        for e in message.entities
        if e["type"] == kind
    ]


async def draft_of(bot: Harness, roster_id: str) -> ReportDraft:
    person = await bot.person(roster_id)
    async with bot.runtime.db.read() as session:
        found = await session.scalar(
            select(ReportDraft)
            .where(ReportDraft.person_id == person.id)
            .order_by(ReportDraft.id.desc())
        )
    assert found is not None
    return found


async def start_at_place(bot: Harness, user) -> None:
    prompt = await bot.say(user, "/report", expect=has("ประเภทใด"))
    prompt = await bot.press(user, prompt, button_data(prompt, "อื่น ๆ"), expect=has("ความเร่งด่วน"))
    prompt = await bot.press(user, prompt, button_data(prompt, "ด่วน"), expect=has("อำเภอใด"))
    await bot.press(user, prompt, button_data(prompt, "โพทะเล"), expect=has("สถานที่เกิดเหตุ"))


async def test_a_sticker_or_text_where_a_button_was_expected(bot: Harness):
    user = await bot.join(9001, "D6601")
    await bot.say(user, "/report", expect=has("ประเภทใด"))

    mark = bot.api.mark()
    bot.api.send_sticker(user)
    sticker = await bot.api.wait_for_message(user.id, has("ต้องการข้อความ"), since=mark)
    again = await bot.api.wait_for_message(user.id, has("ประเภทใด"), since=mark)
    typed = await bot.say(user, "น้ำท่วมครับ", expect=has("กรุณาเลือกจากปุ่ม"))

    assert "ต้องการข้อความหรือการเลือกจากปุ่ม" in sticker.text
    assert again.callback_data  # the category buttons again
    assert "กรุณาเลือกจากปุ่ม" in typed.text
    assert (await draft_of(bot, "D6601")).step is ReportStep.CATEGORY


async def test_a_typed_button_label_counts_as_the_choice(bot: Harness):
    user = await bot.join(9002, "D6602")
    await bot.say(user, "/report", expect=has("ประเภทใด"))

    reply = await bot.say(user, "อุทกภัย", expect=has("ความเร่งด่วน"))

    assert reply.callback_data


async def test_text_too_short_or_too_long_is_refused_with_the_limits(bot: Harness):
    user = await bot.join(9003, "D6603")
    await start_at_place(bot, user)

    short = await bot.say(user, "ก", expect=has("สั้นเกินไป"))
    long = await bot.say(user, "ก" * 301, expect=has("ยาวเกินไป"))

    assert "อย่างน้อย 3 ตัวอักษร" in short.text
    assert "301 ตัวอักษร เกินกำหนด 300" in long.text
    assert (await draft_of(bot, "D6603")).step is ReportStep.PLACE


async def test_a_future_date_or_unreadable_time_is_refused(bot: Harness):
    user = await bot.join(9004, "D6604")
    await fill_until_time(bot, user)

    future = await bot.say(user, "29/11 10.00", expect=has("ยังมาไม่ถึง"))
    unreadable = await bot.say(user, "บ่ายสอง", expect=has("อ่านเวลาไม่ได้"))
    impossible = await bot.say(user, "31/02 10.00", expect=has("ไม่ถูกต้อง"))
    accepted = await bot.say(user, "27/11/2569 23.50", expect=has("พิมพ์รายละเอียด"))

    assert "เช่น 27/11 23.50" in future.text  # yesterday, from the clock
    assert "เช่น 14.30 หรือ 28/11 14.30" in unreadable.text  # today, from the clock
    assert "ไม่ถูกต้อง" in impossible.text
    assert "บันทึกเวลาเกิดเหตุ: 27 พ.ย. 2569 23.50 น. (เมื่อวาน)" in accepted.text
    draft = await draft_of(bot, "D6604")
    assert draft.data["occurred_at"].startswith("2026-11-27T16:50")  # 23.50 Bangkok in UTC


async def test_a_time_later_than_now_is_the_last_one_and_is_shown_back_with_its_date(bot: Harness):
    bot.clock.advance(timedelta(days=2, hours=13, minutes=26))  # 03.26 on 1 December, Bangkok
    user = await bot.join(9013, "D6601")

    prompt = await fill_until_time(bot, user)
    future = await bot.say(user, "2/12 10.00", expect=has("ยังมาไม่ถึง"))
    reply = await bot.say(user, "23.50", expect=has("พิมพ์รายละเอียด"))

    assert "1/12 14.30" in prompt.text and "30/11/2569 23.50" in prompt.text
    assert "28/11" not in prompt.text and "27/11" not in prompt.text
    note = "บันทึกเวลาเกิดเหตุ: 30 พ.ย. 2569 23.50 น. (เมื่อวาน)"
    assert reply.text.index(note) < reply.text.index("พิมพ์รายละเอียด")
    assert (await draft_of(bot, "D6601")).data["occurred_at"].startswith("2026-11-30T16:50")
    assert "เช่น 30/11 23.50" in future.text


async def test_a_time_typed_for_today_is_shown_back_as_today(bot: Harness):
    user = await bot.join(9014, "D6602")
    await fill_until_time(bot, user)

    reply = await bot.say(user, "13.15", expect=has("พิมพ์รายละเอียด"))

    assert "บันทึกเวลาเกิดเหตุ: 28 พ.ย. 2569 13.15 น. (วันนี้)" in reply.text


async def fill_until_time(bot: Harness, user) -> SentMessage:
    await start_at_place(bot, user)
    await bot.say(user, "ตลาดสดเทศบาล", expect=has("ส่งตำแหน่งปัจจุบัน"))
    return await bot.say(user, "ข้าม", expect=has("เวลาเกิดเหตุ"))


async def test_a_pin_far_outside_the_province_asks_to_confirm(bot: Harness):
    user = await bot.join(9005, "D6605")
    await start_at_place(bot, user)
    await bot.say(user, "ตลาดสดเทศบาล", expect=has("ส่งตำแหน่งปัจจุบัน"))

    mark = bot.api.mark()
    bot.api.send_location(user, *BANGKOK_PIN)
    question = await bot.api.wait_for_message(user.id, has("นอกเขตจังหวัด"), since=mark)
    retry = await bot.press(
        user, question, button_data(question, "ส่งตำแหน่งใหม่"), expect=has("ส่งตำแหน่งปัจจุบัน")
    )
    mark = bot.api.mark()
    bot.api.send_location(user, *BANGKOK_PIN)
    question = await bot.api.wait_for_message(user.id, has("นอกเขตจังหวัด"), since=mark)
    await bot.press(user, question, button_data(question, "ใช้ตำแหน่งนี้"), expect=has("เวลาเกิดเหตุ"))

    assert retry is not None
    draft = await draft_of(bot, "D6605")
    assert (draft.data["latitude"], draft.data["longitude"]) == BANGKOK_PIN


async def test_html_in_free_text_is_kept_literally_and_shown_escaped(bot: Harness):
    user = await bot.join(9006, "D6606")
    payload = '<script>alert("x")</script> & <b>ตัวหนา</b>'
    answers = ReportAnswers(
        place=f"หมู่ 1 {payload}",
        description=f"เหตุทดสอบ {payload}",
        damage=f"เสียหาย {payload}",
        photos=0,
    )

    review = await fill_report(bot, user, answers)
    filed = await bot.press(user, review, button_data(review, "ยืนยัน"), expect=has("ส่งรายงานแล้ว"))

    for message in (review, filed):
        assert payload in message.text  # the fake renders entities: the literal text shows
        assert "&lt;script&gt;" in message.raw_text
        assert "ตัวหนา" not in entity_texts(message, "bold")
    async with bot.runtime.db.read() as session:
        incident = await session.scalar(select(Incident))
    assert incident.place == f"หมู่ 1 {payload}"
    assert incident.description == f"เหตุทดสอบ {payload}"


async def test_a_button_from_an_old_message_gets_the_current_step_again(bot: Harness):
    user = await bot.join(9007, "D6607")
    categories = await bot.say(user, "/report", expect=has("ประเภทใด"))
    old_data = button_data(categories, "วาตภัย")
    await bot.press(user, categories, old_data, expect=has("ความเร่งด่วน"))

    mark = bot.api.mark()
    query = bot.api.press_button(user, categories, old_data, check=False)
    answer = await bot.api.wait_for_callback_answer(query)
    again = await bot.api.wait_for_message(user.id, has("ความเร่งด่วน"), since=mark)

    assert "ข้อความก่อนหน้า" in answer.text
    assert again.callback_data
    assert (await draft_of(bot, "D6607")).step is ReportStep.URGENCY


async def test_forged_button_data_is_answered_gracefully(bot: Harness):
    user = await bot.join(9008, "D6608")
    menu = await bot.say(user, "/report", expect=has("ประเภทใด"))

    answers = []
    for data in ("r|forged|category|flood", "r|||", "r|" + "x" * 60, "unknown-prefix", "r|a|b|c|d"):
        query = bot.api.press_button(user, menu, data, check=False)
        answers.append(await bot.api.wait_for_callback_answer(query))

    assert all(a.text for a in answers)
    assert (await draft_of(bot, "D6608")).step is ReportStep.CATEGORY


async def test_odd_unicode_is_cleaned_but_thai_is_kept(bot: Harness):
    user = await bot.join(9009, "D6609")
    await start_at_place(bot, user)

    await bot.say(user, "\u200bบ้าน\u200d\u202eหนองโสน\t  หมู่ ๕", expect=has("ส่งตำแหน่งปัจจุบัน"))

    assert (await draft_of(bot, "D6609")).data["place"] == "บ้านหนองโสน หมู่ ๕"


async def test_an_abandoned_draft_expires_with_a_notice(bot: Harness):
    user = await bot.join(9010, "D6610")
    await bot.say(user, "/report", expect=has("ประเภทใด"))
    bot.clock.advance(timedelta(minutes=bot.settings.draft_ttl_minutes + 1))

    mark = bot.api.mark()
    expired = await maintenance.expire_drafts(bot.runtime, bot.application.bot)
    notice = await bot.api.wait_for_message(user.id, since=mark)

    assert expired == 1
    assert "หมดอายุ" in notice.text
    assert (await draft_of(bot, "D6610")).status is DraftStatus.EXPIRED


async def test_a_draft_past_its_time_expires_on_the_next_message_too(bot: Harness):
    user = await bot.join(9011, "D6611")
    await start_at_place(bot, user)
    bot.clock.advance(timedelta(minutes=bot.settings.draft_ttl_minutes + 1))

    reply = await bot.say(user, "ตลาดสด", expect=has("หมดอายุ"))

    assert "เริ่มใหม่" in reply.text
    assert (await draft_of(bot, "D6611")).status is DraftStatus.EXPIRED


async def test_messages_sent_in_quick_succession_are_handled_in_order(bot: Harness):
    user = await bot.join(9012, "D6612")
    await start_at_place(bot, user)

    mark = bot.api.mark()
    bot.api.send_text(user, "วัดท่าหลวง")
    bot.api.send_text(user, "ข้าม")
    bot.api.send_text(user, "14.00")
    await bot.api.wait_for_message(user.id, has("พิมพ์รายละเอียด"), since=mark)

    data = (await draft_of(bot, "D6612")).data
    assert data["place"] == "วัดท่าหลวง"
    assert data["location_answered"] and data["latitude"] is None
    assert data["occurred_at"].startswith("2026-11-28T07:00")
