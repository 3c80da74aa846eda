"""/healthz: a small anonymous answer saying the process serves, and how Telegram stands."""

from __future__ import annotations

import httpx

from tests.support.harness import Harness
from tests.web.conftest import Site


async def test_health_answers_anyone_in_json_without_data(site: Site):
    answer = await site.anonymous().get("/healthz")

    assert answer.status_code == 200
    assert answer.json() == {"status": "ok"}
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["x-content-type-options"] == "nosniff"


async def test_health_says_telegram_is_connected_once_the_bot_polls(bot: Harness):
    async with httpx.AsyncClient(base_url=bot.runtime.web_url) as client:
        answer = await client.get("/healthz")

    assert answer.json() == {"status": "ok", "telegram": "connected"}
