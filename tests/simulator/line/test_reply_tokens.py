"""Reply tokens: used once, within a minute of the webhook, and never 20 minutes after."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

REPLY = "/v2/bot/message/reply"
INVALID = {"message": "Invalid reply token"}


def _reply(token: str | None) -> dict[str, Any]:
    return {"replyToken": token, "messages": [{"type": "text", "text": "รับทราบ"}]}


async def test_a_reply_token_can_be_used_only_once(line, http, receiver):
    officer = line.add_user("สมชาย")
    said = line.send_text(officer, "ขอรายงาน")
    await line.wait_for_ack(said)

    first = await http.post(REPLY, json=_reply(said.reply_token))
    second = await http.post(REPLY, json=_reply(said.reply_token))

    assert first.status_code == 200
    assert (second.status_code, second.json()) == (400, INVALID)
    assert len(line.sent_messages(officer.user_id)) == 1


async def test_a_reply_token_expires_a_minute_after_the_webhook(line, http, receiver, clock):
    officer = line.add_user("สมชาย")
    said = line.send_text(officer, "ขอรายงาน")
    await line.wait_for_ack(said)

    clock.advance(timedelta(seconds=61))
    late = await http.post(REPLY, json=_reply(said.reply_token))

    assert (late.status_code, late.json()) == (400, INVALID)


async def test_a_reply_token_of_an_event_never_delivered_does_not_work(line, http):
    officer = line.add_user("สมชาย")  # no webhook URL: the event is never sent
    said = line.send_text(officer, "ขอรายงาน")

    answer = await http.post(REPLY, json=_reply(said.reply_token))

    assert answer.status_code == 400


async def test_a_redelivered_token_works_for_a_minute_after_the_redelivery(
    line, http, receiver, clock
):
    officer = line.add_user("สมชาย", follow=False)  # no follow event to take the 500
    receiver.answer_next(500)
    said = line.send_text(officer, "ขอรายงาน")
    await line.wait_for_attempts(said, 1)
    clock.advance(timedelta(seconds=90))  # past the first delivery's minute

    await line.wait_for_ack(said)
    answer = await http.post(REPLY, json=_reply(said.reply_token))

    assert answer.status_code == 200


async def test_a_token_used_before_the_bot_failed_stays_used_on_redelivery(line, http, receiver):
    officer = line.add_user("สมชาย", follow=False)  # no follow event to take the 500
    receiver.answer_next(500)
    said = line.send_text(officer, "ขอรายงาน")
    await line.wait_for_attempts(said, 1)
    await http.post(REPLY, json=_reply(said.reply_token))

    await line.wait_for_ack(said)
    again = await http.post(REPLY, json=_reply(said.reply_token))

    assert (again.status_code, again.json()) == (400, INVALID)


async def test_no_token_works_20_minutes_after_the_event(line, http, receiver, clock):
    officer = line.add_user("สมชาย", follow=False)  # no follow event to take the 500
    receiver.answer_next(500)
    said = line.send_text(officer, "ขอรายงาน")
    await line.wait_for_attempts(said, 1)
    clock.advance(timedelta(minutes=20, seconds=1))

    await line.wait_for_ack(said)
    answer = await http.post(REPLY, json=_reply(said.reply_token))

    assert answer.status_code == 400


async def test_a_reply_without_a_token_is_a_body_error(line, http):
    answer = await http.post(REPLY, json=_reply(None))

    assert answer.status_code == 400
    assert answer.json()["details"] == [{"message": "must be specified", "property": "replyToken"}]


async def test_a_refused_reply_leaves_the_token_usable(line, http, receiver):
    officer = line.add_user("สมชาย")
    said = line.send_text(officer, "ขอรายงาน")
    await line.wait_for_ack(said)
    too_long = {"replyToken": said.reply_token, "messages": [{"type": "text", "text": "x" * 5001}]}

    refused = await http.post(REPLY, json=too_long)
    answer = await http.post(REPLY, json=_reply(said.reply_token))

    assert (refused.status_code, answer.status_code) == (400, 200)
