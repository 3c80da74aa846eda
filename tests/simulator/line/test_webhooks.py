"""Signed webhooks the SDK's parser accepts, the event objects, and redelivery."""

from __future__ import annotations

import json

import pytest
from linebot.v3.exceptions import InvalidSignatureError  # type: ignore[import-untyped]
from linebot.v3.messaging import (  # type: ignore[import-untyped]
    PostbackAction,
    PushMessageRequest,
    QuickReply,
    QuickReplyItem,
    TextMessage,
)
from linebot.v3.webhook import WebhookParser  # type: ignore[import-untyped]
from linebot.v3.webhooks import (  # type: ignore[import-untyped]
    FollowEvent,
    ImageMessageContent,
    LocationMessageContent,
    MessageEvent,
    PostbackEvent,
    TextMessageContent,
    UnfollowEvent,
)

from simulator.line import FakeLinePlatform
from tests.simulator.line.conftest import SECRET, TOKEN


def _parse(received):
    """The events of one webhook request, parsed and verified by the SDK."""
    body = received.body.decode()
    return WebhookParser(SECRET).parse(body, received.headers["x-line-signature"], as_payload=True)


async def test_the_signature_is_verified_by_the_sdk_s_parser(line, receiver):
    officer = line.add_user("สมชาย")
    said = line.send_text(officer, "ไฟไหม้ตลาด")
    await line.wait_for_ack(said)

    payload = _parse(receiver.received[-1])

    assert payload.destination == line.bot_user_id
    (event,) = payload.events
    assert isinstance(event, MessageEvent) and isinstance(event.message, TextMessageContent)
    assert event.message.text == "ไฟไหม้ตลาด" and event.reply_token == said.reply_token
    assert event.source.user_id == officer.user_id and event.mode == "active"
    assert event.webhook_event_id == said.webhook_event_id
    assert event.delivery_context.is_redelivery is False


async def test_a_webhook_signed_with_another_secret_is_refused_by_the_parser(line, receiver):
    officer = line.add_user("สมชาย")
    await line.wait_idle()

    with pytest.raises(InvalidSignatureError):
        WebhookParser("another secret").parse(
            receiver.received[-1].body.decode(), receiver.received[-1].headers["x-line-signature"]
        )
    assert officer.user_id in receiver.received[-1].body.decode()


async def test_a_follow_and_an_unblock_are_follow_events_and_a_block_is_unfollow(line, receiver):
    officer = line.add_user("สมชาย")
    line.unfollow(officer)
    back = line.follow(officer)
    await line.wait_for_ack(back)

    events = [_parse(r).events[0] for r in receiver.received]

    assert [type(e) for e in events] == [FollowEvent, UnfollowEvent, FollowEvent]
    assert [events[0].follow.is_unblocked, events[2].follow.is_unblocked] == [False, True]
    assert events[0].reply_token and "replyToken" not in line.events()[1]


async def test_a_text_quoting_a_bot_message_names_the_quoted_message(line, sdk, receiver):
    officer = line.add_user("สมชาย")
    await sdk.push_message(
        PushMessageRequest(to=officer.user_id, messages=[TextMessage(text="สั่งการ")])
    )
    (order,) = line.sent_messages(officer.user_id)

    said = line.send_text(officer, "รับทราบข้อสั่งการ", quote=order)
    await line.wait_for_ack(said)

    message = _parse(receiver.received[-1]).events[0].message
    assert message.quoted_message_id == order.message_id
    assert message.quote_token == said.quote_token


async def test_a_photo_and_a_location_have_their_documented_shapes(line, receiver):
    officer = line.add_user("สมชาย")
    line.send_image(officer)
    pin = line.send_location(officer, 16.4419, 100.3488, title="จุดเกิดเหตุ", address="ต.ในเมือง")
    await line.wait_for_ack(pin)

    photo, place = (_parse(r).events[0].message for r in receiver.received[-2:])

    assert isinstance(photo, ImageMessageContent) and photo.content_provider.type == "line"
    assert photo.quote_token
    assert isinstance(place, LocationMessageContent)
    assert (place.latitude, place.longitude, place.title) == (16.4419, 100.3488, "จุดเกิดเหตุ")
    assert "quoteToken" not in line.events()[-1]["message"]  # locations can't be quoted


async def test_pressing_a_postback_button_sends_its_data(line, sdk, receiver):
    officer = line.add_user("สมชาย")
    items = [QuickReplyItem(action=PostbackAction(label="รับทราบ", data="ack:42"))]
    await sdk.push_message(
        PushMessageRequest(
            to=officer.user_id,
            messages=[TextMessage(text="มีเหตุด่วน", quick_reply=QuickReply(items=items))],
        )
    )
    (alert,) = line.sent_messages(officer.user_id)

    pressed = line.press_button(officer, alert, label="รับทราบ")
    await line.wait_for_ack(pressed)

    event = _parse(receiver.received[-1]).events[0]
    assert isinstance(event, PostbackEvent) and event.postback.data == "ack:42"
    assert event.reply_token == pressed.reply_token


async def test_quick_reply_buttons_are_gone_once_the_user_writes(line, http):
    officer = line.add_user("สมชาย")
    quick = {
        "items": [{"type": "action", "action": {"type": "message", "label": "ใช่", "text": "ใช่"}}]
    }
    await http.post(
        "/v2/bot/message/push",
        json={
            "to": officer.user_id,
            "messages": [{"type": "text", "text": "?", "quickReply": quick}],
        },
    )
    (question,) = line.sent_messages(officer.user_id)
    line.send_text(officer, "อย่างอื่น")

    with pytest.raises(LookupError):
        line.press_button(officer, question, label="ใช่")


async def test_a_message_action_makes_the_user_send_its_text(line, http, receiver):
    officer = line.add_user("สมชาย")
    quick = {
        "items": [{"type": "action", "action": {"type": "message", "label": "ใช่", "text": "ยืนยัน"}}]
    }
    await http.post(
        "/v2/bot/message/push",
        json={
            "to": officer.user_id,
            "messages": [{"type": "text", "text": "?", "quickReply": quick}],
        },
    )
    (question,) = line.sent_messages(officer.user_id)

    tapped = line.press_button(officer, question, label="ใช่")
    await line.wait_for_ack(tapped)

    assert _parse(receiver.received[-1]).events[0].message.text == "ยืนยัน"


async def test_an_event_the_bot_answered_500_is_redelivered_with_the_same_id(line, receiver):
    officer = line.add_user("สมชาย", follow=False)
    receiver.answer_next(500, 503)
    said = line.send_text(officer, "ขอรายงาน")

    await line.wait_for_ack(said)

    first, second, third = (_parse(r).events[0] for r in receiver.received)
    assert {e.webhook_event_id for e in (first, second, third)} == {said.webhook_event_id}
    assert [e.delivery_context.is_redelivery for e in (first, second, third)] == [False, True, True]
    assert len({e.timestamp for e in (first, second, third)}) == 1  # when it occurred
    attempts = line.webhook_attempts(said.webhook_event_id)
    assert [(a.status, a.error) for a in attempts] == [
        (500, "error_status_code"),
        (503, "error_status_code"),
        (200, None),
    ]


async def test_an_unreachable_bot_gets_the_event_once_it_answers_again(line, receiver):
    officer = line.add_user("สมชาย", follow=False)
    line.set_webhook("http://127.0.0.1:9/nowhere")  # the discard port: nothing listens
    said = line.send_text(officer, "ขอรายงาน")
    (failed,) = await line.wait_for_attempts(said, 1)

    line.set_webhook(receiver.url)
    await line.wait_for_ack(said)

    assert failed.error == "could_not_connect"


async def test_the_platform_gives_up_after_its_last_redelivery(clock, receiver):
    with FakeLinePlatform(
        TOKEN, SECRET, clock=clock, redelivery_interval=0.01, max_deliveries=3
    ) as line:
        line.set_webhook(receiver.url)
        officer = line.add_user("สมชาย", follow=False)
        receiver.answer_next(500, 500, 500, 500)
        said = line.send_text(officer, "ขอรายงาน")
        await line.wait_for_attempts(said, 3)
        await line.wait_idle()

        assert len(line.webhook_attempts(said.webhook_event_id)) == 3


async def test_without_redelivery_a_failed_event_is_sent_once(clock, receiver):
    with FakeLinePlatform(TOKEN, SECRET, clock=clock, webhook_redelivery=False) as line:
        line.set_webhook(receiver.url)
        officer = line.add_user("สมชาย", follow=False)
        receiver.answer_next(500)
        said = line.send_text(officer, "ขอรายงาน")
        await line.wait_for_attempts(said, 1)
        await line.wait_idle()

        assert len(line.webhook_attempts(said.webhook_event_id)) == 1


async def test_events_while_the_webhook_is_off_are_never_sent(line, receiver):
    line.set_webhook(None)
    officer = line.add_user("สมชาย")
    line.set_webhook(receiver.url)
    said = line.send_text(officer, "ขอรายงาน")
    await line.wait_for_ack(said)

    kinds = [json.loads(r.body)["events"][0]["type"] for r in receiver.received]
    assert kinds == ["message"]
