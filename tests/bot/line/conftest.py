"""A fake LINE Platform; the adapter's sender pointed at it; and the real program with LINE on,
the fake posting signed webhooks to its web log, with the outcomes of the events it handled."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field

import pytest
from pydantic import SecretStr

from bot.line import inbound
from bot.line.inbound import Kind, Outcome
from bot.line.sender import LineSender
from bot.settings import Settings
from simulator.line import FakeLinePlatform
from tests.fakes.bot_api import FakeBotAPI
from tests.simulator.line.receiver import WebhookReceiver
from tests.support.clock import ManualClock
from tests.support.harness import Harness, running

# Fake credentials, only ever sent to the fakes on loopback.
LINE_SECRET = "8c1f0e2d3b4a59687766a5b4c3d2e1f0"
LINE_TOKEN = "Qm9ndXMtbG9vcGJhY2stY2hhbm5lbC1hY2Nlc3MtZm9yLXRlc3RzLW9ubHk0Mg=="
TOKEN = LINE_TOKEN


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Outcomes:
    """The outcomes of the LINE events the program handled, in order."""

    seen: list[Outcome] = field(default_factory=list)
    _news: asyncio.Event = field(default_factory=asyncio.Event)

    async def __call__(self, outcome: Outcome) -> None:
        self.seen.append(outcome)
        self._news.set()

    def of(self, user_id: str) -> list[Outcome]:
        return [o for o in self.seen if o.user_id == user_id]

    async def wait_for(self, user_id: str, count: int = 1, timeout: float = 10.0) -> list[Outcome]:
        """The user's first `count` outcomes, once there are that many."""
        async with asyncio.timeout(timeout):
            while len(self.of(user_id)) < count:
                self._news.clear()
                await self._news.wait()
        return self.of(user_id)[:count]

    def kinds(self, user_id: str) -> list[Kind]:
        return [o.kind for o in self.of(user_id)]


@pytest.fixture
def line(clock: ManualClock) -> Iterator[FakeLinePlatform]:
    """A fake LINE Platform whose time moves with the test's clock, redelivering quickly."""
    with FakeLinePlatform(
        LINE_TOKEN, LINE_SECRET, clock=clock, redelivery_interval=0.05
    ) as platform:
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


@pytest.fixture
def line_settings(settings: Settings, line: FakeLinePlatform) -> Settings:
    settings.web_port = free_port()
    settings.line_channel_secret = SecretStr(LINE_SECRET)
    settings.line_channel_access_token = SecretStr(LINE_TOKEN)
    settings.line_api_url = line.api_url
    settings.line_data_url = line.data_url
    return settings


@pytest.fixture
def webhook_url(line_settings: Settings) -> str:
    return f"http://127.0.0.1:{line_settings.web_port}{line_settings.line_webhook_path}"


@pytest.fixture
def outcomes() -> Outcomes:
    return Outcomes()


@pytest.fixture
async def program(
    fake_api: FakeBotAPI,
    line_settings: Settings,
    clock: ManualClock,
    line: FakeLinePlatform,
    outcomes: Outcomes,
    webhook_url: str,
) -> AsyncIterator[Harness]:
    """The program running with LINE on and the sample roster, LINE posting to it."""
    async with running(fake_api, line_settings, clock) as harness:
        harness.runtime.line_sink = outcomes
        await harness.import_roster()
        line.set_webhook(webhook_url)
        yield harness
        line.set_webhook(None)


@pytest.fixture
async def live(program: Harness, outcomes: Outcomes) -> Harness:
    """The program answering LINE for real (through the outbox), outcomes still recorded."""
    replies = inbound.replier(program.runtime.core)

    async def both(outcome: inbound.Outcome) -> None:
        await replies(outcome)
        await outcomes(outcome)

    program.runtime.line_sink = both
    return program
