"""The simulated Telegram, python-telegram-bot's Bot pointed at it, and raw HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from simulator.telegram import FakeBotAPI, FloodLimits

REPORTER = 5101
GOVERNOR = 5102
GROUP = -1009876543210
# The people of the fake Bot API's first tests, kept with their names.
USER_ID = 5001
OTHER_ID = 5002
GROUP_ID = -1001234567890
ROOT = Path(__file__).resolve().parents[3]


def _people(api: FakeBotAPI) -> FakeBotAPI:
    api.add_user(REPORTER, "สมชาย", "ใจดี")
    api.add_user(GOVERNOR, "ผู้ว่า")
    api.add_group(GROUP, "ศูนย์บัญชาการ")
    api.add_user(USER_ID, "Somchai", "Jaidee", username="somchai")
    api.add_user(OTHER_ID, "Malee")
    api.add_group(GROUP_ID, "Phichit duty officers")
    return api


def keyboard(*data: str) -> InlineKeyboardMarkup:
    """One row of inline buttons, titled after their callback data."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(d.title(), callback_data=d) for d in data]])


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
