"""Start-up and shutdown of the composition root: in any phase, stopping is prompt."""

from __future__ import annotations

import asyncio

import httpx

from bot.app import serve
from bot.settings import Settings
from tests.fakes.bot_api import FakeBotAPI
from tests.support.clock import ManualClock
from tests.support.program import closed_port


async def health(url: str, timeout: float = 30.0) -> dict[str, str]:
    """The web log's /healthz answer, waiting for the web log to listen."""
    deadline = asyncio.get_running_loop().time() + timeout
    async with httpx.AsyncClient(base_url=url) as client:
        while True:
            try:
                return (await client.get("/healthz")).json()  # type: ignore[no-any-return]
            except httpx.ConnectError:
                assert asyncio.get_running_loop().time() < deadline, "the web log never listened"
                await asyncio.sleep(0.05)


async def test_the_bot_connects_once_the_bot_api_answers_and_health_follows(
    fake_api: FakeBotAPI, settings: Settings, clock: ManualClock
):
    fake_api.stop()  # Telegram unreachable at start
    settings.web_port = closed_port()
    url = f"http://127.0.0.1:{settings.web_port}"
    stop, ready = asyncio.Event(), asyncio.Event()

    async def on_ready(*_: object) -> None:
        ready.set()

    running = asyncio.create_task(
        serve(settings, stop, clock=clock, on_ready=on_ready, maintenance_interval=None)
    )
    try:
        before = await health(url)
        fake_api.start()  # Telegram is back
        await asyncio.wait_for(ready.wait(), timeout=30)
        after = await health(url)
        # It polls (after deleteWebhook): the long poll is open, not yet answered.
        polled = await fake_api.wait_until(
            lambda: next(iter(fake_api.calls("getUpdates")), None), 10, what="a long poll"
        )
    finally:
        stop.set()
        await asyncio.wait_for(running, timeout=30)

    assert before == {"status": "ok", "telegram": "connecting"}
    assert after == {"status": "ok", "telegram": "connected"}
    assert polled.params["allowed_updates"] == ["message", "callback_query"]


async def test_a_stop_asked_while_the_database_is_prepared_ends_the_run_quietly(
    fake_api: FakeBotAPI, settings: Settings, clock: ManualClock
):
    stop = asyncio.Event()
    stop.set()

    await asyncio.wait_for(serve(settings, stop, clock=clock, maintenance_interval=None), 30)

    assert fake_api.calls("getMe") == []  # it never went on to the Bot API
