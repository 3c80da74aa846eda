"""Start-up Bot API calls wait out outages and flood limits, and give up on refusals."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut

from bot import retrying
from tests.conftest import TEST_TOKEN


class Flaky:
    """A Bot API call that fails with the given errors, in turn, then answers."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "answered"


class Pauses:
    """Records the pauses instead of sleeping them."""

    def __init__(self) -> None:
        self.taken: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.taken.append(seconds)


async def test_network_failures_are_retried_with_a_doubling_pause_up_to_the_cap():
    call = Flaky(*[NetworkError("connection refused") for _ in range(6)], TimedOut())
    pauses = Pauses()

    answer = await retrying.until_reached(call, "getMe", sleep=pauses)

    assert answer == "answered"
    assert call.calls == 8
    assert pauses.taken == [1, 2, 4, 8, 16, 30, 30]


async def test_a_flood_limit_is_waited_out_as_long_as_telegram_asks():
    call = Flaky(RetryAfter(7), RetryAfter(timedelta(seconds=3)), TimedOut())
    pauses = Pauses()

    await retrying.until_reached(call, "setWebhook", sleep=pauses)

    # A flood limit does not grow the pause for the network failures after it.
    assert pauses.taken == [7, 3, 1]


@pytest.mark.parametrize(
    "refusal",
    [InvalidToken(), BadRequest("bad webhook: HTTPS url must be provided"), Forbidden("no")],
)
async def test_a_refusal_is_raised_at_once(refusal: Exception):
    call = Flaky(refusal)
    pauses = Pauses()

    with pytest.raises(type(refusal)):
        await retrying.until_reached(call, "deleteWebhook", sleep=pauses)

    assert call.calls == 1
    assert pauses.taken == []


async def test_the_retry_log_names_the_call_and_not_the_token(caplog: pytest.LogCaptureFixture):
    call = Flaky(
        NetworkError(f"httpx.ConnectError: https://api.telegram.org/bot{TEST_TOKEN}/getMe")
    )

    with caplog.at_level(logging.WARNING, logger="bot.retrying"):
        await retrying.until_reached(call, "getMe", sleep=Pauses())

    [record] = caplog.records
    message = record.getMessage()
    assert message.startswith("Bot API not reachable (attempt 1: NetworkError")
    assert message.endswith("(getMe)")
    assert TEST_TOKEN not in record.getMessage()
