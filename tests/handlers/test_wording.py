"""The bot's wording: no doubled words, no cut syllables, a real answer to a greeting."""

from __future__ import annotations

from datetime import timedelta

from incidents.text.labels import STATUS_LABELS
from storage.models import IncidentStatus
from tests.support.harness import Harness
from tests.support.reporting import (
    PHICHIT_PIN,
    ReportAnswers,
    alerts_in,
    file_report,
    has,
)

# Cut at 60 characters it would end on "ฝั" of "ฝั่ง", without its tone mark.
LONG_PLACE = "บ้านหนองปลาไหล หมู่ 7 ต.ท่าฬ่อ อ.เมืองพิจิตร ริมแม่น้ำน่านฝั่งตะวันออกใกล้สะพาน"


async def filed_by(bot: Harness, roster_id: str, user_id: int, **answers: object):
    reporter = await bot.join(user_id, roster_id)
    filed = await file_report(bot, reporter, ReportAnswers(photos=0, pin=None, **answers))  # type: ignore[arg-type]
    await bot.drain()
    return reporter, filed


async def test_a_status_change_is_confirmed_without_doubling_a_word(bot: Harness):
    reporter, filed = await filed_by(bot, "D6604", 9401)
    menu = await bot.press(
        reporter, filed, "t|1|menu", expect=lambda m: "t|1|news" in m.callback_data
    )

    for status in (
        IncidentStatus.IN_PROGRESS,
        IncidentStatus.UNDER_CONTROL,
        IncidentStatus.RESOLVED,
    ):
        label = STATUS_LABELS[status]
        done = await bot.press(reporter, menu, f"t|1|st:{status.value}", expect=has(label))
        rest = done.text.replace(label, "", 1)
        assert label not in rest
        assert "แล้ว" not in rest, done.text  # "… “ควบคุมสถานการณ์ได้แล้ว” แล้ว" no more


async def test_the_open_list_says_just_now_and_does_not_repeat_the_acknowledgement(bot: Harness):
    executives = await bot.join_executives()
    _, _ = await filed_by(bot, "D6605", 9402)
    fresh = await bot.say(executives[0], "/open", expect=has("PCT"))
    [alert] = alerts_in(bot, executives[0].id, "PCT-2569-0001")
    bot.api.press_button(executives[0], alert, "a|1|ack")
    await bot.advance(timedelta(minutes=5))

    later = await bot.say(executives[0], "/open", expect=has("PCT"))

    assert "แจ้งเมื่อสักครู่" in fresh.text and "0 นาที" not in fresh.text
    assert "แจ้งเมื่อ 5 นาทีที่แล้ว" in later.text
    assert later.text.count("รับทราบ") == 1, later.text


async def test_places_are_cut_cleanly_in_the_open_list_and_on_update_buttons(bot: Harness):
    reporter, _ = await filed_by(bot, "D6606", 9403, place=LONG_PLACE)

    listed = await bot.say(reporter, "/open", expect=has("PCT"))
    choose = await bot.say(reporter, "/update", expect=has("เลือกเหตุการณ์"))

    [label] = [b["text"] for b in choose.buttons]
    assert label == "PCT-2569-0001 · บ้านหนองปลาไหล หมู่ 7…"
    place_line = listed.text.split("\n")[1].strip()
    assert place_line == "บ้านหนองปลาไหล หมู่ 7 ต.ท่าฬ่อ อ.เมืองพิจิตร… · แจ้งเมื่อสักครู่"


async def test_after_the_location_step_a_short_confirmation_brings_back_the_menu(bot: Harness):
    user = await bot.join(9404, "D6607")
    mark = bot.api.mark()
    await file_report(bot, user, ReportAnswers(photos=0, pin=PHICHIT_PIN))
    pinned = [m for m in bot.api.sent_messages(user.id, since=mark) if m.text == "บันทึกพิกัดแล้ว"]
    mark = bot.api.mark()
    await file_report(bot, user, ReportAnswers(photos=0, pin=None))
    skipped = [m for m in bot.api.sent_messages(user.id, since=mark) if m.text == "ข้ามพิกัดแล้ว"]

    for note in (pinned, skipped):
        [message] = note
        assert message.reply_markup["keyboard"][0][0]["text"] == "🚨 แจ้งเหตุด่วน"
    assert not [m for m in bot.api.sent_messages(user.id) if m.text == "✔"]


async def test_the_alert_marks_casualties_with_a_neutral_icon(bot: Harness):
    executives = await bot.join_executives()
    await filed_by(bot, "D6608", 9405)

    [alert] = alerts_in(bot, executives[0].id, "PCT-2569-0001")

    assert "🩹" not in alert.text
    assert "👥 เสียชีวิต 0 · บาดเจ็บ 2" in alert.text


async def test_a_greeting_gets_a_greeting_and_what_the_person_can_do(bot: Harness):
    governor = await bot.join(9406, "GOV")
    reporter = await bot.join(9407, "D6609")
    admin = await bot.join(9408, "ADMIN1")

    to_governor = await bot.say(governor, "สวัสดีครับ")
    to_reporter = await bot.say(reporter, "สวัสดีค่ะ")
    to_admin = await bot.say(admin, "hello")
    puzzled = await bot.say(reporter, "ขอสอบถามหน่อย")

    assert to_governor.text.startswith("สวัสดี นายสมมติ ตัวอย่างดี")
    assert "/open" in to_governor.text and "แจ้งเหตุด่วน" not in to_governor.text
    assert "ไม่เข้าใจ" not in to_governor.text
    assert to_reporter.text.startswith("สวัสดี") and "🚨 แจ้งเหตุด่วน" in to_reporter.text
    assert to_reporter.reply_markup["keyboard"][0][0]["text"] == "🚨 แจ้งเหตุด่วน"
    assert to_admin.text.startswith("สวัสดี") and "/web" in to_admin.text
    assert puzzled.text.startswith("ขออภัย") and "/update" in puzzled.text
