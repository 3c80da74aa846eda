"""A fake LINE Platform and a LineSender pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from bot.line.sender import LineSender
from simulator.line import FakeLinePlatform
from tests.simulator.line.receiver import WebhookReceiver
from tests.support.clock import ManualClock

# Fake credentials, only ever sent to the fake on loopback.
TOKEN = "fake-loopback-channel-access-token"
SECRET = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"


@pytest.fixture
def line(clock: ManualClock) -> Iterator[FakeLinePlatform]:
    """A fake LINE Platform whose time moves with the test's clock."""
    with FakeLinePlatform(TOKEN, SECRET, clock=clock, redelivery_interval=0.05) as platform:
        yield platform


@pytest.fixture
async def sender(line: FakeLinePlatform) -> AsyncIterator[LineSender]:
    """The adapter's sender, only its host changed."""
    async with LineSender(TOKEN, host=line.api_url) as made:
        yield made


@pytest.fixture
async def receiver(line: FakeLinePlatform) -> AsyncIterator[WebhookReceiver]:
    """A bot's webhook endpoint, set as the channel's webhook URL (reply tokens need it)."""
    endpoint = WebhookReceiver()
    await endpoint.start()
    line.set_webhook(endpoint.url)
    yield endpoint
    line.set_webhook(None)
    await endpoint.stop()
