"""What the webhook tests share: a core whose lifecycle events queue webhooks, a real receiver
on loopback, and a delivery loop with the real webhook sender (and no Telegram)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.senders.webhook import WebhookSender
from incidents.alerts.service import Alerts
from incidents.core import Core
from incidents.outbox.loop import DeliveryLoop
from incidents.outbox.render import Renderer
from incidents.sharing.webhooks import Webhooks
from storage.db import Database
from storage.models import Channel
from tests.incidents.sharing.hooks import AdminsTelegram
from tests.simulator.line.receiver import WebhookReceiver
from tests.support.clock import ManualClock
from tests.support.core import core_with_roster


@pytest.fixture
async def core(db: Database, clock: ManualClock, tmp_path: Path) -> Core:
    found = await core_with_roster(db, clock, tmp_path)
    Webhooks(found).subscribe(found.events)
    return found


@pytest.fixture
async def receiver() -> AsyncIterator[WebhookReceiver]:
    started = WebhookReceiver()
    await started.start()
    yield started
    await started.stop()


@pytest.fixture
async def loop(core: Core, clock: ManualClock) -> AsyncIterator[DeliveryLoop]:
    async with WebhookSender() as sender:
        yield DeliveryLoop(
            core.db,
            AdminsTelegram(),
            clock,
            Alerts(core),
            Renderer(core.rules.tz),
            me="here",
            accounts={Channel.WEBHOOK: sender},
        )
