"""The month's quota as the fake reports it, through the sender's client."""

from __future__ import annotations

from linebot.v3.messaging import TextMessage  # type: ignore[import-untyped]

from bot.line.quota import Quota, read_quota


async def test_without_a_target_limit_there_is_no_fraction(line, sender):
    quota = await read_quota(sender.api)

    assert quota == Quota(limit=None, used=0) and quota.fraction is None


async def test_a_limit_and_what_pushes_used(line, sender):
    officer = line.add_user("สมชาย")
    line.set_quota(200, used=49)
    await sender.send(officer.user_id, [TextMessage(text="x")], retry_key=None)

    quota = await read_quota(sender.api)

    assert quota == Quota(limit=200, used=50) and quota.fraction == 0.25


def test_a_zero_limit_reads_as_used_up():
    assert Quota(limit=0, used=0).fraction == 1.0
