"""The fake LINE Platform, the SDK pointed at it, raw HTTP, and a bot's webhook endpoint."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from linebot.v3.messaging import (  # type: ignore[import-untyped]
    AsyncApiClient,
    AsyncMessagingApi,
    AsyncMessagingApiBlob,
    Configuration,
)

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
async def sdk(line: FakeLinePlatform) -> AsyncIterator[AsyncMessagingApi]:
    """line-bot-sdk v3's async Messaging API client, only its host changed."""
    async with AsyncApiClient(Configuration(host=line.api_url, access_token=TOKEN)) as client:
        yield AsyncMessagingApi(client)


@pytest.fixture
async def blob(line: FakeLinePlatform) -> AsyncIterator[AsyncMessagingApiBlob]:
    """The SDK's client of the data host, where message content is."""
    async with AsyncApiClient(Configuration(host=line.data_url, access_token=TOKEN)) as client:
        yield AsyncMessagingApiBlob(client)


@pytest.fixture
async def http(line: FakeLinePlatform) -> AsyncIterator[httpx.AsyncClient]:
    """Raw HTTP to the API host with the channel access token."""
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(base_url=line.api_url, headers=headers) as client:
        yield client


@pytest.fixture
async def receiver(line: FakeLinePlatform) -> AsyncIterator[WebhookReceiver]:
    """A bot's webhook endpoint, set as the channel's webhook URL."""
    endpoint = WebhookReceiver()
    await endpoint.start()
    line.set_webhook(endpoint.url)
    yield endpoint
    line.set_webhook(None)
    await endpoint.stop()
