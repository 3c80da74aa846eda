"""The monthly message quota: pushes and multicasts count per recipient, replies don't."""

from __future__ import annotations

from datetime import timedelta

import pytest
from linebot.v3.messaging import (  # type: ignore[import-untyped]
    MulticastRequest,
    PushMessageRequest,
    ReplyMessageRequest,
    TextMessage,
)
from linebot.v3.messaging.exceptions import ApiException  # type: ignore[import-untyped]

MONTHLY_LIMIT = {"message": "You have reached your monthly limit."}


def _push(user) -> PushMessageRequest:
    # Two message objects still count as one message: counting is per recipient.
    return PushMessageRequest(
        to=user.user_id, messages=[TextMessage(text="a"), TextMessage(text="b")]
    )


async def test_without_a_target_limit_the_quota_type_is_none(line, sdk):
    quota = await sdk.get_message_quota()

    assert quota.type == "none" and quota.value is None


async def test_pushes_count_against_the_limit_and_replies_do_not(line, sdk, receiver):
    line.set_quota(200)
    officer = line.add_user("สมชาย")
    said = line.send_text(officer, "ขอรายงาน")
    await line.wait_for_ack(said)

    await sdk.push_message(_push(officer))
    await sdk.reply_message(
        ReplyMessageRequest(reply_token=said.reply_token, messages=[TextMessage(text="x")])
    )

    quota = await sdk.get_message_quota()
    assert (quota.type, quota.value) == ("limited", 200)
    assert (await sdk.get_message_quota_consumption()).total_usage == 1


async def test_a_multicast_counts_its_friends_and_not_blocked_or_unknown_users(line, sdk):
    governor, deputy, blocked = line.add_user("ผวจ."), line.add_user("รอง"), line.add_user("อื่น")
    line.unfollow(blocked)

    await sdk.multicast(
        MulticastRequest(
            to=[governor.user_id, deputy.user_id, blocked.user_id, "U" + "1" * 32],
            messages=[TextMessage(text="แจ้งเหตุ")],
        )
    )

    assert line.consumption == 2


async def test_a_push_to_a_blocked_user_is_not_counted(line, sdk):
    officer = line.add_user("สมชาย")
    line.unfollow(officer)

    await sdk.push_message(_push(officer))

    assert line.consumption == 0


async def test_over_the_limit_a_push_gets_429_and_is_not_sent(line, sdk):
    line.set_quota(1, used=1)
    officer = line.add_user("สมชาย")

    with pytest.raises(ApiException) as raised:
        await sdk.push_message(_push(officer))

    assert raised.value.status == 429
    assert raised.value.body == '{"message":"You have reached your monthly limit."}'
    assert line.sent_messages() == []


async def test_a_multicast_that_would_pass_the_limit_reaches_nobody(line, http):
    line.set_quota(2, used=1)
    people = [line.add_user(f"คนที่ {n}").user_id for n in range(2)]

    answer = await http.post(
        "/v2/bot/message/multicast",
        json={"to": people, "messages": [{"type": "text", "text": "x"}]},
    )

    assert (answer.status_code, answer.json()) == (429, MONTHLY_LIMIT)
    assert line.sent_messages() == []


async def test_replies_still_work_when_the_quota_is_used_up(line, sdk, receiver):
    line.set_quota(0)
    officer = line.add_user("สมชาย")
    said = line.send_text(officer, "ขอรายงาน")
    await line.wait_for_ack(said)

    await sdk.reply_message(
        ReplyMessageRequest(reply_token=said.reply_token, messages=[TextMessage(text="x")])
    )

    assert len(line.sent_messages(officer.user_id, delivered=True)) == 1


async def test_the_count_starts_again_each_month(line, sdk, clock):
    line.set_quota(1)
    officer = line.add_user("สมชาย")
    await sdk.push_message(_push(officer))

    clock.advance(timedelta(days=31))
    await sdk.push_message(_push(officer))

    assert (await sdk.get_message_quota_consumption()).total_usage == 1
