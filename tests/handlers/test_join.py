"""Joining the bot: invitations, strangers, deactivated people, /help and /whoami."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from incidents.audit import CLI_ACTOR
from incidents.roster import people as roster
from incidents.roster import profile
from storage.models import AuditAction, AuditEvent, Province
from tests.support.harness import Harness, running

NOTICE = "มีบัญชีที่ไม่อยู่ในทะเบียนพยายามใช้งานบอท"


async def test_an_invited_person_joins_and_is_greeted_by_name_and_role(bot: Harness):
    user = bot.api.add_user(5001, "สมมติ")
    code = await bot.invite("D6604")

    reply = await bot.say(user, f"/start {code}")

    assert "ยินดีต้อนรับเข้าสู่ระบบรายงานเหตุการณ์" in reply.text
    assert "นายตัวอย่าง หินสมมติ" in reply.text
    assert "นายอำเภอตะพานหิน" in reply.text
    assert "ผู้รายงานเหตุ" in reply.text
    assert "/report" in reply.text
    assert reply.reply_markup["keyboard"][0][0]["text"] == "🚨 แจ้งเหตุด่วน"
    person = await bot.person("D6604")
    assert person.telegram_user_id == 5001
    assert person.joined_at == bot.clock.now()
    menu = await bot.api.wait_for_call(
        "setMyCommands", lambda c: (c.params.get("scope") or {}).get("chat_id") == 5001
    )
    assert {c["command"] for c in menu.params["commands"]} >= {"report", "help", "whoami"}


async def test_an_executive_is_told_what_executives_can_do(bot: Harness):
    user = bot.api.add_user(5002, "ผู้ว่า")
    reply = await bot.say(user, f"/start {await bot.invite('GOV')}")

    assert "ผู้บริหาร" in reply.text
    assert "รับการแจ้งเตือนเหตุด่วน" in reply.text
    assert "/report" not in reply.text
    assert "keyboard" not in (reply.reply_markup or {})


async def test_a_used_code_is_refused_and_changes_nothing(bot: Harness):
    code = await bot.invite("D6601")
    first = bot.api.add_user(5003, "คนแรก")
    second = bot.api.add_user(5004, "คนที่สอง")
    await bot.say(first, f"/start {code}")

    reply = await bot.say(second, f"/start {code}")

    assert "รหัสเชิญนี้ถูกใช้ไปแล้ว" in reply.text
    assert (await bot.person("D6601")).telegram_user_id == 5003


async def test_opening_the_same_link_twice_greets_again(bot: Harness):
    code = await bot.invite("D6601")
    user = bot.api.add_user(5005, "ซ้ำ")
    await bot.say(user, f"/start {code}")

    reply = await bot.say(user, f"/start {code}")

    assert "ยินดีต้อนรับกลับ" in reply.text


async def test_an_expired_code_is_refused(bot: Harness):
    code = await bot.invite("D6602", ttl=timedelta(hours=1))
    bot.clock.advance(timedelta(hours=1, seconds=1))
    user = bot.api.add_user(5006, "ช้า")

    reply = await bot.say(user, f"/start {code}")

    assert "หมดอายุ" in reply.text
    assert (await bot.person("D6602")).telegram_user_id is None


async def test_an_unknown_or_malformed_code_is_refused(bot: Harness):
    user = bot.api.add_user(5007, "เดา")

    unknown = await bot.say(user, "/start AAAAAAAAAAAAAAAAAAAAAAAA")
    malformed = await bot.say(user, "/start <script>alert(1)</script>")

    assert "รหัสเชิญนี้ไม่ถูกต้อง" in unknown.text
    assert "รหัสเชิญนี้ไม่ถูกต้อง" in malformed.text


async def test_an_account_bound_to_someone_else_cannot_take_another_invite(bot: Harness):
    user = await bot.join(5008, "D6603")
    other_code = await bot.invite("D6605")

    reply = await bot.say(user, f"/start {other_code}")

    assert "ผูกกับรายชื่อผู้ใช้งานอื่น" in reply.text
    assert (await bot.person("D6603")).telegram_user_id == 5008
    assert (await bot.person("D6605")).telegram_user_id is None


async def test_a_new_invitation_cancels_the_earlier_one(bot: Harness):
    old = await bot.invite("D6606")
    await bot.invite("D6606")
    user = bot.api.add_user(5009, "เก่า")

    reply = await bot.say(user, f"/start {old}")

    assert "หมดอายุ" in reply.text


async def test_a_stranger_is_refused_and_admins_hear_once_an_hour(bot: Harness):
    admin = await bot.join(5100, "ADMIN1")
    stranger = bot.api.add_user(6666, "ไม่รู้จัก", username="nobody")

    first = await bot.say(stranger, "/start")
    notice = await bot.api.wait_for_message(admin.id, lambda m: NOTICE in m.text)
    mark = bot.api.mark()
    second = await bot.say(stranger, "สวัสดีครับ")
    await bot.settle()
    bot.clock.advance(timedelta(minutes=61))
    await bot.say(stranger, "ขอใช้งานหน่อย")
    later = await bot.api.wait_for_message(admin.id, lambda m: "ขอใช้งานหน่อย" in m.text, since=mark)

    assert "ยังไม่อยู่ในทะเบียน" in first.text
    assert "ยังไม่อยู่ในทะเบียน" in second.text
    assert "@nobody" in notice.text and "6666" in notice.text
    notices = [m for m in bot.api.sent_messages(admin.id, since=mark) if NOTICE in m.text]
    assert notices == [later]  # the second attempt within the hour told nobody
    async with bot.runtime.db.read() as session:
        refused = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.action == AuditAction.STRANGER_REFUSED)
            )
        ).all()
    # Repeats within minutes are counted on one audit row; an hour later is a new row.
    assert [e.count for e in refused] == [2, 1]


async def test_a_stranger_is_answered_a_few_times_then_no_longer(bot: Harness):
    stranger = bot.api.add_user(6668, "ส่งรัว")

    for index in range(8):
        bot.api.send_text(stranger, f"ข้อความที่ {index}")

    async def counted() -> list[int]:
        async with bot.runtime.db.read() as session:
            query = select(AuditEvent.count).where(
                AuditEvent.action == AuditAction.STRANGER_REFUSED
            )
            return list((await session.scalars(query)).all())

    await bot.api.wait_for_messages(stranger.id, 3)
    for _ in range(200):
        if await counted() == [8]:
            break
        await asyncio.sleep(0.05)
    await bot.settle()

    answers = [m for m in bot.api.sent_messages(stranger.id) if "ยังไม่อยู่ในทะเบียน" in m.text]
    assert len(answers) == 3
    assert await counted() == [8]  # every attempt counted, on one row


async def test_strangers_before_any_admin_joined_are_told_to_the_first_admin(bot: Harness):
    stranger = bot.api.add_user(6669, "มาก่อน")
    await bot.say(stranger, "มีใครอยู่ไหม")
    await bot.say(stranger, "ขอใช้งาน")

    admin = await bot.join(5101, "ADMIN1")
    backlog = await bot.api.wait_for_message(admin.id, lambda m: "ก่อนที่ท่านเข้าร่วม" in m.text)
    second_admin = await bot.join(5102, "SNJ")
    await bot.settle()

    assert "6669" in backlog.text and "2 ครั้ง" in backlog.text
    assert not [m for m in bot.api.sent_messages(second_admin.id) if "ก่อนที่ท่าน" in m.text]


async def test_a_stranger_pressing_a_button_is_refused(bot: Harness):
    member = await bot.join(5010, "D6607")
    stranger = bot.api.add_user(6667, "แปลกหน้า")
    menu = await bot.say(member, "/report")

    query_id = bot.api.press_button(stranger, menu, menu.callback_data[0], check=False)
    answer = await bot.api.wait_for_callback_answer(query_id)

    assert answer.show_alert
    assert "ไม่มีสิทธิ์" in answer.text


async def test_a_deactivated_person_is_refused_like_a_stranger(bot: Harness):
    user = await bot.join(5011, "D6608")
    unused_code = await bot.invite("D6609")
    async with bot.runtime.db.write() as session:
        province = await session.get_one(Province, bot.runtime.province_id)
        await roster.deactivate(session, province, "D6608", bot.clock.now(), CLI_ACTOR)
        await roster.deactivate(session, province, "D6609", bot.clock.now(), CLI_ACTOR)
    newcomer = bot.api.add_user(5015, "ถูกระงับ")

    whoami = await bot.say(user, "/whoami")
    report = await bot.say(user, "/report")
    joining = await bot.say(newcomer, f"/start {unused_code}")

    for reply in (whoami, report):
        assert "ยังไม่อยู่ในทะเบียน" in reply.text
    # Deactivation spent the invitation for good.
    assert "หมดอายุ" in joining.text
    assert (await bot.person("D6609")).telegram_user_id is None


async def test_help_and_whoami_are_adapted_to_the_role(bot: Harness):
    reporter = await bot.join(5012, "SNJ")
    executive = await bot.join(5013, "DGOV2")

    reporter_help = await bot.say(reporter, "/help")
    executive_help = await bot.say(executive, "/help")
    whoami = await bot.say(reporter, "/whoami")

    assert "/report" in reporter_help.text and "ผู้ดูแลระบบ" in reporter_help.text
    assert "/report" not in executive_help.text and "ผู้บริหาร" in executive_help.text
    assert "นายตัวอย่าง บริหารดี" in whoami.text
    assert "080-000-0007" in whoami.text
    assert "สำนักงานจังหวัดพิจิตร" in whoami.text
    assert "เข้าร่วมระบบเมื่อ: 28 พ.ย. 2569 14.00 น." in whoami.text


async def test_unknown_text_from_a_member_points_at_help(bot: Harness):
    user = await bot.join(5014, "A-PHO")

    reply = await bot.say(user, "ทดสอบข้อความทั่วไป")

    assert "/help" in reply.text


async def test_the_default_command_menu_is_published_at_start(bot: Harness):
    call = await bot.api.wait_for_call("setMyCommands", lambda c: "scope" not in c.params)
    assert [c["command"] for c in call.params["commands"]] == ["start", "help"]


async def test_a_refused_command_menu_is_logged_and_the_bot_carries_on(
    fake_api, settings, clock, caplog
):
    fake_api.fail_next("setMyCommands", 400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")

    async with running(fake_api, settings, clock) as bot:
        await bot.import_roster()
        user = await bot.join(5020, "D6610")
        reply = await bot.say(user, "/whoami")

    assert "นายอำเภอบึงนาราง" in reply.text
    assert "setMyCommands refused" in caplog.text


async def test_a_failing_handler_is_logged_and_the_person_told_in_thai(
    bot: Harness, caplog, monkeypatch
):
    user = await bot.join(5021, "D6611")

    def broken(*args: object) -> None:
        raise RuntimeError("a bug in the handler")

    monkeypatch.setattr(profile, "whoami", broken)

    reply = await bot.say(user, "/whoami")

    assert "ระบบขัดข้องชั่วคราว" in reply.text
    assert "error handling update" in caplog.text
    assert str(user.id) not in caplog.text  # people appear in logs only as pseudonyms


async def test_a_refused_send_is_not_turned_into_an_error_notice(bot: Harness, caplog):
    user = await bot.join(5022, "D6612")
    bot.api.fail_next("sendMessage", 400, "Bad Request: chat write forbidden", chat_id=user.id)

    bot.api.send_text(user, "/whoami")
    await bot.drain()

    texts = [c.params.get("text", "") for c in bot.api.calls("sendMessage")]
    assert any("ข้อมูลของท่านในทะเบียน" in text for text in texts)  # tried, and refused
    assert not any("ระบบขัดข้อง" in text for text in texts)
    assert "error handling update" not in caplog.text


async def test_whoami_in_a_group_shows_nothing_of_the_person(bot: Harness):
    user = await bot.join(5016, "SNJ")
    group = bot.api.add_group(-1009999, "กลุ่มประสานงาน")

    mark = bot.api.mark()
    bot.api.send_text(user, "/whoami", chat_id=group["id"])
    reply = await bot.api.wait_for_message(group["id"], since=mark)

    assert "แชตส่วนตัว" in reply.text
    assert "080-000-0007" not in reply.text and "นายตัวอย่าง" not in reply.text
