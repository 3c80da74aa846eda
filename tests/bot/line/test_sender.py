"""The LINE sender against the fake platform: every answer mapped to the core's outcome."""

from __future__ import annotations

import logging
import uuid

import pytest
from linebot.v3.messaging import TextMessage  # type: ignore[import-untyped]

from bot.line.sender import LineSender
from incidents.outbox.delivery import OutcomeKind
from tests.bot.line.conftest import TOKEN

SECRET_TEXT = "ข้อความลับของผู้แจ้งเหตุ"


def _key() -> str:
    return str(uuid.uuid4())


async def test_a_push_is_sent_with_its_retry_key_and_the_line_message_id(line, sender):
    officer = line.add_user("สมชาย")
    key = _key()

    outcome = await sender.send(officer.user_id, [TextMessage(text="แจ้งเหตุ")], retry_key=key)

    [sent] = line.sent_messages(officer.user_id)
    assert outcome.kind is OutcomeKind.SENT
    assert outcome.external_id == sent.message_id and sent.message_id.isdigit()
    assert outcome.message_id is None
    assert sent.retry_key == key and sent.delivered


async def test_a_lost_answer_is_transient_and_the_retry_with_the_same_key_sends_once(line, sender):
    officer = line.add_user("สมชาย")
    key = _key()
    line.lose_next_answer("push")

    lost = await sender.send(officer.user_id, [TextMessage(text="แจ้งเหตุ")], retry_key=key)
    again = await sender.send(officer.user_id, [TextMessage(text="แจ้งเหตุ")], retry_key=key)

    [sent] = line.sent_messages(officer.user_id)
    assert lost.kind is OutcomeKind.TRANSIENT
    assert again.kind is OutcomeKind.SENT and again.external_id == sent.message_id
    assert [c.status for c in line.calls("push")][-1] == 409


async def test_a_server_error_after_the_request_took_effect_is_delivered_once(line, sender):
    officer = line.add_user("สมชาย")
    key = _key()
    line.fail_next("push", 500, executed=True)

    first = await sender.send(officer.user_id, [TextMessage(text="x")], retry_key=key)
    second = await sender.send(officer.user_id, [TextMessage(text="x")], retry_key=key)

    assert (first.kind, second.kind) == (OutcomeKind.TRANSIENT, OutcomeKind.SENT)
    assert len(line.sent_messages(officer.user_id)) == 1


@pytest.mark.parametrize(
    ("status", "message", "kind"),
    [
        (500, None, OutcomeKind.TRANSIENT),
        (503, None, OutcomeKind.TRANSIENT),
        (429, "The API rate limit has been exceeded. Try again later.", OutcomeKind.RETRY_AFTER),
        (429, "You have reached your monthly limit.", OutcomeKind.QUOTA),
        (403, None, OutcomeKind.UNEXPECTED),
        (400, "Failed to send messages", OutcomeKind.REFUSED),
    ],
)
async def test_injected_errors_map_to_outcomes(line, sender, status, message, kind):
    officer = line.add_user("สมชาย")
    line.fail_next("push", status, message=message)

    outcome = await sender.send(officer.user_id, [TextMessage(text="x")], retry_key=_key())

    assert outcome.kind is kind
    assert outcome.error.startswith(f"line {status}")
    assert line.sent_messages() == []


async def test_the_rate_limit_asks_for_a_delay(line, sender):
    officer = line.add_user("สมชาย")
    line.set_rate_limit("push", 1)
    await sender.send(officer.user_id, [TextMessage(text="x")], retry_key=_key())

    outcome = await sender.send(officer.user_id, [TextMessage(text="y")], retry_key=_key())

    assert outcome.kind is OutcomeKind.RETRY_AFTER and outcome.retry_after.total_seconds() > 0


async def test_the_monthly_limit_reached_is_quota(line, sender):
    officer = line.add_user("สมชาย")
    line.set_quota(1, used=1)

    outcome = await sender.send(officer.user_id, [TextMessage(text="x")], retry_key=_key())

    assert outcome.kind is OutcomeKind.QUOTA and "monthly limit" in outcome.error
    assert line.sent_messages() == []


async def test_a_refused_message_logs_line_s_details_but_never_the_text(line, sender, caplog):
    officer = line.add_user("สมชาย")
    too_long = SECRET_TEXT * 1000

    with caplog.at_level(logging.ERROR, logger="bot.line.sender"):
        outcome = await sender.send(officer.user_id, [TextMessage(text=too_long)], retry_key=None)

    assert outcome.kind is OutcomeKind.REFUSED
    assert "messages[0].text" in caplog.text
    assert SECRET_TEXT not in caplog.text and SECRET_TEXT not in outcome.error


async def test_a_revoked_token_is_unexpected(line, sender):
    officer = line.add_user("สมชาย")
    line.revoke_access_token(TOKEN)

    outcome = await sender.send(officer.user_id, [TextMessage(text="x")], retry_key=_key())

    assert outcome.kind is OutcomeKind.UNEXPECTED and outcome.error.startswith("line 401")


async def test_a_blocked_user_is_sent_as_line_does_not_tell(line, sender):
    officer = line.add_user("สมชาย")
    line.unfollow(officer)

    outcome = await sender.send(officer.user_id, [TextMessage(text="x")], retry_key=_key())

    [sent] = line.sent_messages(officer.user_id)
    assert outcome.kind is OutcomeKind.SENT and not sent.delivered


async def test_no_server_listening_is_transient(line):
    async with LineSender(TOKEN, host="http://127.0.0.1:9") as nowhere:
        outcome = await nowhere.send("U" + "0" * 32, [TextMessage(text="x")], retry_key=_key())

    assert outcome.kind is OutcomeKind.TRANSIENT


async def test_a_reply_token_is_used_without_a_retry_key(line, sender, receiver):
    officer = line.add_user("สมชาย", follow=False)
    said = line.send_text(officer, "ขอรายงาน")
    await line.wait_for_ack(said)

    outcome = await sender.send(
        officer.user_id,
        [TextMessage(text="รับทราบ")],
        retry_key=_key(),
        reply_token=said.reply_token,
    )

    [sent] = line.sent_messages(officer.user_id)
    assert outcome.kind is OutcomeKind.SENT and outcome.external_id == sent.message_id
    assert sent.kind.value == "reply" and sent.retry_key is None
    assert line.calls("push") == []


async def test_an_invalid_reply_token_falls_back_to_a_push_with_the_key(line, sender, receiver):
    officer = line.add_user("สมชาย", follow=False)
    said = line.send_text(officer, "ขอรายงาน")
    await line.wait_for_ack(said)
    await sender.send(
        officer.user_id, [TextMessage(text="1")], retry_key=None, reply_token=said.reply_token
    )
    key = _key()

    outcome = await sender.send(
        officer.user_id, [TextMessage(text="2")], retry_key=key, reply_token=said.reply_token
    )

    _, second = line.sent_messages(officer.user_id)
    assert outcome.kind is OutcomeKind.SENT and outcome.external_id == second.message_id
    assert (second.kind.value, second.retry_key) == ("push", key)


async def test_a_timeout_is_transient_and_the_retry_with_the_same_key_sends_once(line):
    officer = line.add_user("สมชาย")
    key = _key()
    line.delay_next("push", 1.0)

    async with LineSender(TOKEN, host=line.api_url, timeout_s=0.2) as hasty:
        late = await hasty.send(officer.user_id, [TextMessage(text="x")], retry_key=key)
    async with LineSender(TOKEN, host=line.api_url) as patient:
        again = await patient.send(officer.user_id, [TextMessage(text="x")], retry_key=key)

    assert (late.kind, again.kind) == (OutcomeKind.TRANSIENT, OutcomeKind.SENT)
    assert len(line.sent_messages(officer.user_id)) == 1


async def test_a_lost_reply_is_transient(line, sender, receiver):
    officer = line.add_user("สมชาย", follow=False)
    said = line.send_text(officer, "ขอรายงาน")
    await line.wait_for_ack(said)
    line.lose_next_answer("reply")

    outcome = await sender.send(
        officer.user_id, [TextMessage(text="x")], retry_key=None, reply_token=said.reply_token
    )

    assert outcome.kind is OutcomeKind.TRANSIENT
    assert line.calls("push") == []
