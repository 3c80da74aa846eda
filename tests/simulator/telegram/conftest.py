"""The simulated Telegram, python-telegram-bot's Bot pointed at it, and raw HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from telegram import Bot

from simulator.telegram import FakeBotAPI, FloodLimits

REPORTER = 5101
GOVERNOR = 5102
GROUP = -1009876543210


def _people(api: FakeBotAPI) -> FakeBotAPI:
    api.add_user(REPORTER, "สมชาย", "ใจดี")
    api.add_user(GOVERNOR, "ผู้ว่า")
    api.add_group(GROUP, "ศูนย์บัญชาการ")
    return api


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    """The simulator without flood limits, with a reporter, the Governor and a group."""
    with FakeBotAPI(flood_limits=None) as fake:
        yield _people(fake)


@pytest.fixture
def limited() -> Iterator[FakeBotAPI]:
    """The simulator as the sandbox runs it: Telegram's flood limits on."""
    with FakeBotAPI(flood_limits=FloodLimits()) as fake:
        yield _people(fake)


@pytest.fixture
async def bot(api: FakeBotAPI) -> AsyncIterator[Bot]:
    async with Bot(api.token, base_url=api.base_url, base_file_url=api.base_file_url) as tg:
        yield tg


@pytest.fixture
async def http(api: FakeBotAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Raw Bot API calls: ``await http.post("sendMessage", json=...)``."""
    async with httpx.AsyncClient(base_url=f"{api.base_url}{api.token}/", timeout=5) as client:
        yield client
