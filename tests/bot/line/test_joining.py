"""Joining on LINE: the person adds the Official Account and types their invitation code; the
same refusals as on Telegram for used or expired codes and deactivated people."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.line.inbound import Kind
from incidents.audit import CLI_ACTOR
from incidents.roster import people as roster
from incidents.roster.joining import JoinOutcome
from incidents.text import line as texts
from incidents.text.rich import Text
from simulator.line import FakeLinePlatform
from storage.models import AuditAction, AuditEvent, Province
from tests.bot.line.conftest import Outcomes
from tests.support.harness import Harness


async def test_a_valid_code_typed_into_the_chat_binds_the_line_account(
    program: Harness, line: FakeLinePlatform, outcomes: Outcomes
):
    officer = line.add_user("นายอำเภอตะพานหิน")
    said = line.send_text(officer, f"  {await program.invite('D6604')} ")
    greeted, joined = await outcomes.wait_for(officer.user_id, 2)

    person = await program.person("D6604")
    assert greeted.kind is Kind.GREETED
    assert joined.kind is Kind.JOINED and joined.join is JoinOutcome.JOINED
    assert joined.reply_token == said.reply_token
    assert "ผูกบัญชี LINE" in joined.reply and person.name in joined.reply
    assert person.line_user_id == officer.user_id and person.telegram_user_id is None


async def test_a_member_s_messages_are_passed_on_and_not_taken_for_codes(
    program: Harness, line: FakeLinePlatform, outcomes: Outcomes
):
    officer = line.add_user("นายอำเภอตะพานหิน")
    line.send_text(officer, await program.invite("D6604"))
    line.send_text(officer, "AnotherCodeLikeText")
    line.send_location(officer, 16.44, 100.35)
    handled = await outcomes.wait_for(officer.user_id, 4)

    assert [o.kind for o in handled] == [
        Kind.GREETED,
        Kind.JOINED,
        Kind.MEMBER_EVENT,
        Kind.MEMBER_EVENT,
    ]
    assert all(o.person is not None and o.person.roster_id == "D6604" for o in handled[2:])
    # Neither is an action: each is answered with what the account is for.
    said = [o.reply.plain() for o in handled[2:] if isinstance(o.reply, Text)]
    assert said == [texts.MEMBER_HELP] * 2


async def test_a_used_an_expired_and_an_unknown_code_are_refused_in_thai(
    program: Harness, line: FakeLinePlatform, outcomes: Outcomes
):
    first = line.add_user("ผู้ใช้คนแรก")
    used = await program.invite("D6604")
    line.send_text(first, used)
    await outcomes.wait_for(first.user_id, 2)
    expired = await program.invite("D6605", ttl=timedelta(minutes=5))
    program.clock.advance(timedelta(minutes=10))
    second = line.add_user("ผู้ใช้คนที่สอง")
    for text in (used, expired, "no-such-code"):
        line.send_text(second, text)
    refused = (await outcomes.wait_for(second.user_id, 4))[1:]

    assert [o.join for o in refused] == [JoinOutcome.USED, JoinOutcome.EXPIRED, JoinOutcome.UNKNOWN]
    assert {o.kind for o in refused} == {Kind.JOIN_REFUSED}
    assert "ถูกใช้ไปแล้ว" in refused[0].reply and "หมดอายุ" in refused[1].reply
    assert "ไม่ถูกต้อง" in refused[2].reply
    assert (await program.person("D6605")).line_user_id is None
    async with program.runtime.db.read() as session:
        reasons = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.action == AuditAction.INVITE_REFUSED)
            )
        ).all()
    assert sorted(r.detail["reason"] for r in reasons) == ["expired", "unknown", "used"]


async def test_a_deactivated_person_is_refused_like_a_stranger_and_cannot_rejoin(
    program: Harness, line: FakeLinePlatform, outcomes: Outcomes
):
    officer = line.add_user("ผู้ถูกระงับ")
    line.send_text(officer, await program.invite("D6608"))
    await outcomes.wait_for(officer.user_id, 2)
    unused = await program.invite("D6609")
    async with program.runtime.db.write() as session:
        province = await session.get_one(Province, program.runtime.province_id)
        await roster.deactivate(session, province, "D6608", program.clock.now(), CLI_ACTOR)
        await roster.deactivate(session, province, "D6609", program.clock.now(), CLI_ACTOR)
    newcomer = line.add_user("ผู้มาใหม่")
    line.send_text(officer, "สวัสดี")
    line.send_text(newcomer, unused)
    (after,) = (await outcomes.wait_for(officer.user_id, 3))[2:]
    (refused,) = (await outcomes.wait_for(newcomer.user_id, 2))[1:]

    assert after.kind is Kind.STRANGER_REFUSED and "ยังไม่อยู่ในทะเบียน" in after.reply
    assert refused.kind is Kind.JOIN_REFUSED
    assert (await program.person("D6609")).line_user_id is None


async def test_blocking_and_unblocking_mark_the_member_unreachable_and_reachable_again(
    program: Harness, line: FakeLinePlatform, outcomes: Outcomes
):
    admin = await program.join(5200, "ADMIN1")
    officer = line.add_user("นายอำเภอตะพานหิน")
    line.send_text(officer, await program.invite("D6604"))
    await outcomes.wait_for(officer.user_id, 2)
    line.unfollow(officer)
    (blocked,) = (await outcomes.wait_for(officer.user_id, 3))[2:]
    while_blocked = (await program.person("D6604")).line_unreachable_since
    told = await program.api.wait_for_message(admin.id, lambda m: "บล็อกบัญชี LINE" in m.text)
    line.follow(officer)
    (back,) = (await outcomes.wait_for(officer.user_id, 4))[3:]

    assert "นายตัวอย่าง หินสมมติ" in told.text  # the admins are told, as on Telegram

    assert blocked.kind is Kind.BLOCKED and blocked.reply == "" and while_blocked is not None
    assert back.kind is Kind.WELCOMED_BACK and "ยินดีต้อนรับกลับ" in back.reply
    assert (await program.person("D6604")).line_unreachable_since is None


async def test_a_line_stranger_is_told_to_the_admins_on_telegram_at_most_once_an_hour(
    program: Harness, line: FakeLinePlatform, outcomes: Outcomes
):
    admin = await program.join(5200, "ADMIN1")
    stranger = line.add_user("ไม่รู้จัก")
    line.send_text(stranger, "สวัสดีครับ ขอใช้งาน")
    notice = await program.api.wait_for_message(admin.id, lambda m: "บัญชี LINE" in m.text)
    mark = program.api.mark()
    line.send_image(stranger)
    await outcomes.wait_for(stranger.user_id, 3)
    program.clock.advance(timedelta(minutes=61))
    line.send_text(stranger, "ยังรออยู่")
    later = await program.api.wait_for_message(admin.id, lambda m: "ยังรออยู่" in m.text, since=mark)

    assert stranger.user_id in notice.text and "สวัสดีครับ ขอใช้งาน" in notice.text
    notices = [m for m in program.api.sent_messages(admin.id, since=mark) if "บัญชี LINE" in m.text]
    assert notices == [later]  # the photo within the hour told nobody
    kinds = outcomes.kinds(stranger.user_id)
    assert kinds == [Kind.GREETED] + [Kind.STRANGER_REFUSED] * 3
