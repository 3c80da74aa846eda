"""X-Line-Retry-Key: a request is executed once however often it is retried."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import aiohttp
import httpx
import pytest
from linebot.v3.messaging import (  # type: ignore[import-untyped]
    MulticastRequest,
    PushMessageRequest,
    TextMessage,
)
from linebot.v3.messaging.exceptions import ApiException  # type: ignore[import-untyped]

PUSH = "/v2/bot/message/push"


def _push_body(user) -> dict[str, Any]:
    return {"to": user.user_id, "messages": [{"type": "text", "text": "แจ้งเหตุ"}]}


async def test_a_repeated_key_gets_409_with_the_accepted_request_and_its_messages(line, http):
    officer = line.add_user("สมชาย")
    key = {"X-Line-Retry-Key": str(uuid.uuid4())}

    first = await http.post(PUSH, json=_push_body(officer), headers=key)
    again = await http.post(PUSH, json=_push_body(officer), headers=key)

    assert first.status_code == 200 and again.status_code == 409
    assert again.headers["x-line-accepted-request-id"] == first.headers["x-line-request-id"]
    assert again.headers["x-line-request-id"] != first.headers["x-line-request-id"]
    assert again.json() == {
        "message": "The retry key is already accepted",
        "sentMessages": first.json()["sentMessages"],
    }
    assert len(line.sent_messages(officer.user_id)) == 1


async def test_a_repeated_multicast_key_gets_409_without_sent_messages(line, sdk):
    governor = line.add_user("ผวจ.")
    request = MulticastRequest(to=[governor.user_id], messages=[TextMessage(text="แจ้งเหตุ")])
    key = str(uuid.uuid4())
    await sdk.multicast(request, x_line_retry_key=key)

    with pytest.raises(ApiException) as raised:
        await sdk.multicast(request, x_line_retry_key=key)

    assert raised.value.status == 409
    assert raised.value.body == '{"message":"The retry key is already accepted"}'
    assert len(line.sent_messages(governor.user_id)) == 1


async def test_a_lost_answer_retried_with_the_same_key_sends_once(line, sdk):
    officer = line.add_user("สมชาย")
    request = PushMessageRequest(to=officer.user_id, messages=[TextMessage(text="แจ้งเหตุ")])
    key = str(uuid.uuid4())
    line.lose_next_answer("push")

    with pytest.raises(aiohttp.ClientError):
        await sdk.push_message(request, x_line_retry_key=key)
    with pytest.raises(ApiException) as retried:
        await sdk.push_message(request, x_line_retry_key=key)

    (sent,) = line.sent_messages(officer.user_id)
    assert sent.retry_key == key
    assert retried.value.status == 409
    assert sent.message_id in retried.value.body
    lost, conflict = line.calls("push")
    assert lost.lost and lost.executed and conflict.status == 409


async def test_a_lost_answer_is_a_dropped_connection_for_raw_http_too(line, http):
    officer = line.add_user("สมชาย")
    line.lose_next_answer("push")

    with pytest.raises(httpx.RemoteProtocolError):
        await http.post(PUSH, json=_push_body(officer))

    assert len(line.sent_messages(officer.user_id)) == 1


async def test_a_500_after_execution_is_answered_409_on_retry(line, http):
    officer = line.add_user("สมชาย")
    key = {"X-Line-Retry-Key": str(uuid.uuid4())}
    line.fail_next("push", 500, executed=True)

    failed = await http.post(PUSH, json=_push_body(officer), headers=key)
    retried = await http.post(PUSH, json=_push_body(officer), headers=key)

    assert (failed.status_code, retried.status_code) == (500, 409)
    assert len(line.sent_messages(officer.user_id)) == 1


async def test_a_500_before_execution_lets_the_retry_send(line, http):
    officer = line.add_user("สมชาย")
    key = {"X-Line-Retry-Key": str(uuid.uuid4())}
    line.fail_next("push", 500)

    failed = await http.post(PUSH, json=_push_body(officer), headers=key)
    retried = await http.post(PUSH, json=_push_body(officer), headers=key)

    assert (failed.status_code, retried.status_code) == (500, 200)
    assert len(line.sent_messages(officer.user_id)) == 1


async def test_a_refused_request_does_not_use_up_its_key(line, http):
    officer = line.add_user("สมชาย")
    key = {"X-Line-Retry-Key": str(uuid.uuid4())}
    bad = {"to": officer.user_id, "messages": [{"type": "text", "text": ""}]}

    refused = await http.post(PUSH, json=bad, headers=key)
    fixed = await http.post(PUSH, json=_push_body(officer), headers=key)

    assert (refused.status_code, fixed.status_code) == (400, 200)


async def test_a_key_is_forgotten_after_24_hours(line, http, clock):
    officer = line.add_user("สมชาย")
    key = {"X-Line-Retry-Key": str(uuid.uuid4())}
    await http.post(PUSH, json=_push_body(officer), headers=key)

    clock.advance(timedelta(hours=24))
    late = await http.post(PUSH, json=_push_body(officer), headers=key)

    assert late.status_code == 200
    assert len(line.sent_messages(officer.user_id)) == 2


async def test_a_key_that_is_not_a_uuid_is_refused(line, http):
    officer = line.add_user("สมชาย")

    answer = await http.post(PUSH, json=_push_body(officer), headers={"X-Line-Retry-Key": "abc"})

    assert answer.status_code == 400
    assert line.sent_messages() == []


async def test_a_key_on_an_endpoint_without_retry_keys_is_refused(line, http):
    answer = await http.get(
        "/v2/bot/message/quota", headers={"X-Line-Retry-Key": str(uuid.uuid4())}
    )

    assert answer.status_code == 400


async def test_a_delayed_answer_has_taken_effect_before_it_arrives(line, http):
    officer = line.add_user("สมชาย")
    line.delay_next("push", 0.3)

    with pytest.raises(httpx.ReadTimeout):
        await http.post(PUSH, json=_push_body(officer), timeout=0.05)

    assert len(line.sent_messages(officer.user_id)) == 1
