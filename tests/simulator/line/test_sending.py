"""Push, reply and multicast through line-bot-sdk v3 against the fake LINE Platform."""

from __future__ import annotations

from linebot.v3.messaging import (  # type: ignore[import-untyped]
    FlexBox,
    FlexBubble,
    FlexButton,
    FlexMessage,
    FlexText,
    LocationMessage,
    MulticastRequest,
    PostbackAction,
    PushMessageRequest,
    QuickReply,
    QuickReplyItem,
    ReplyMessageRequest,
    TextMessage,
    URIAction,
)

from simulator.line import FakeLinePlatform, SendKind


def _alert_flex() -> FlexMessage:
    body = FlexBox(
        layout="vertical",
        contents=[
            FlexText(text="ด่วนที่สุด: อุทกภัย อ.เมืองพิจิตร"),
            FlexButton(action=PostbackAction(label="รับทราบ", data="ack:PCT-2569-0042")),
            FlexButton(action=URIAction(label="เปิดในเว็บ", uri="https://example.org/i/42")),
        ],
    )
    return FlexMessage(alt_text="แจ้งเหตุด่วนที่สุด", contents=FlexBubble(body=body))


async def test_a_push_reaches_a_friend_and_answers_with_its_message_ids(line, sdk):
    officer = line.add_user("สมชาย")

    answer = await sdk.push_message(
        PushMessageRequest(
            to=officer.user_id, messages=[TextMessage(text="สวัสดีครับ"), _alert_flex()]
        )
    )

    first, second = line.sent_messages(officer.user_id)
    assert [m.message_id for m in (first, second)] == [s.id for s in answer.sent_messages]
    assert first.kind is SendKind.PUSH and first.text == "สวัสดีครับ" and first.delivered
    assert second.type == "flex" and second.text == "แจ้งเหตุด่วนที่สุด"
    assert second.postback_data == ["ack:PCT-2569-0042"]
    # Text and Flex messages can be quoted, so each gets a quote token.
    assert all(s.quote_token for s in answer.sent_messages)


async def test_a_location_pushed_carries_no_quote_token(line, sdk):
    officer = line.add_user("สมชาย")
    pin = LocationMessage(title="จุดเกิดเหตุ", address="ต.ในเมือง", latitude=16.44, longitude=100.35)

    answer = await sdk.push_message(PushMessageRequest(to=officer.user_id, messages=[pin]))

    assert answer.sent_messages[0].quote_token is None


async def test_a_reply_answers_the_event_that_carried_the_token(line, sdk, receiver):
    officer = line.add_user("สมชาย")
    said = line.send_text(officer, "ขอข้อมูลเพิ่มเติม")
    await line.wait_for_ack(said)

    await sdk.reply_message(
        ReplyMessageRequest(reply_token=said.reply_token, messages=[TextMessage(text="รับทราบ")])
    )

    reply = await line.wait_for_message(officer, lambda m: m.kind is SendKind.REPLY)
    assert reply.text == "รับทราบ" and reply.reply_token == said.reply_token


async def test_the_bot_can_quote_a_message_the_user_sent(line, sdk, receiver):
    officer = line.add_user("สมชาย")
    said = line.send_text(officer, "น้ำท่วมถนนสายหลัก")
    await line.wait_for_ack(said)

    await sdk.push_message(
        PushMessageRequest(
            to=officer.user_id, messages=[TextMessage(text="รับทราบ", quote_token=said.quote_token)]
        )
    )

    assert line.sent_messages(officer.user_id)[0].message["quoteToken"] == said.quote_token


async def test_a_multicast_reaches_each_friend_once_and_answers_an_empty_object(line, sdk):
    governor, deputy = line.add_user("ผวจ."), line.add_user("รอง ผวจ.")

    answer = await sdk.multicast(
        MulticastRequest(
            to=[governor.user_id, deputy.user_id, governor.user_id],
            messages=[TextMessage(text="แจ้งเหตุ")],
            notification_disabled=True,
        )
    )

    assert answer == {}
    for person in (governor, deputy):
        (message,) = line.sent_messages(person.user_id)
        assert message.kind is SendKind.MULTICAST and message.notification_disabled


async def test_quick_reply_buttons_are_recorded_with_the_message(line, sdk):
    officer = line.add_user("สมชาย")
    items = [QuickReplyItem(action=PostbackAction(label="ใช่", data="yes"))]

    await sdk.push_message(
        PushMessageRequest(
            to=officer.user_id,
            messages=[TextMessage(text="ยืนยันหรือไม่", quick_reply=QuickReply(items=items))],
        )
    )

    (message,) = line.sent_messages(officer.user_id)
    assert message.quick_reply_actions() == [{"type": "postback", "label": "ใช่", "data": "yes"}]


async def test_a_user_who_blocked_the_account_gets_a_200_and_nothing(line, sdk):
    officer = line.add_user("สมชาย")
    line.unfollow(officer)

    answer = await sdk.push_message(
        PushMessageRequest(to=officer.user_id, messages=[TextMessage(text="แจ้งเหตุ")])
    )

    assert answer.sent_messages
    assert line.sent_messages(officer.user_id, delivered=True) == []
    assert not line.sent_messages(officer.user_id)[0].delivered


async def test_a_user_who_never_added_the_account_gets_nothing_unless_they_wrote_lately(
    line, sdk, clock
):
    from datetime import timedelta

    stranger = line.add_user("ผู้ใช้ทั่วไป", follow=False)
    push = PushMessageRequest(to=stranger.user_id, messages=[TextMessage(text="แจ้งเหตุ")])
    await sdk.push_message(push)
    line.send_text(stranger, "สวัสดี")
    await sdk.push_message(push)
    clock.advance(timedelta(days=8))
    await sdk.push_message(push)

    assert [m.delivered for m in line.sent_messages(stranger.user_id)] == [False, True, False]


async def test_raw_http_push_gets_the_documented_envelope(line, http):
    officer = line.add_user("สมชาย")

    answer = await http.post(
        "/v2/bot/message/push",
        json={"to": officer.user_id, "messages": [{"type": "text", "text": "สวัสดี"}]},
    )

    assert answer.status_code == 200
    assert answer.headers["x-line-request-id"]
    assert list(answer.json()) == ["sentMessages"]


def test_the_platform_keeps_its_state_across_a_restart(line: FakeLinePlatform):
    officer = line.add_user("สมชาย")
    url = line.api_url

    line.stop()
    line.start()

    assert line.api_url == url and line.user(officer.user_id) == officer
