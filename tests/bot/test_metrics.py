"""/metrics and /readyz of the running program: what a scrape says after a report and its alerts."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
from prometheus_client.parser import text_string_to_metric_families

from bot.app import serve
from bot.settings import Settings
from tests.fakes.bot_api import FakeBotAPI
from tests.support.clock import ManualClock
from tests.support.harness import Harness
from tests.support.program import closed_port
from tests.support.reporting import ReportAnswers, alerts_in, file_report

REFERENCE = "PCT-2569-0001"
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


async def scrape(url: str) -> Samples:
    """Every sample of one scrape of /metrics (from loopback, so no token is needed)."""
    async with httpx.AsyncClient(base_url=url) as client:
        answer = await client.get("/metrics")
    assert answer.status_code == 200, answer.text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(answer.text)
        for sample in family.samples
    }


def grew(before: Samples, after: Samples, name: str, **labels: str) -> float:
    """How much a counter (or a histogram's count) grew between two scrapes."""
    key = (name, tuple(sorted(labels.items())))
    return after[key] - before.get(key, 0.0)


async def test_a_scrape_after_a_report_counts_its_alerts_their_faults_and_the_open_incident(
    bot: Harness,
):
    executives = await bot.join_executives()
    reporter = await bot.join(2001, "D6604")
    await bot.drain()
    before = await scrape(bot.runtime.web_url)
    bot.api.fail_next("sendMessage", 429, retry_after=1, times=1, chat_id=executives[0].id)
    bot.api.fail_next("sendMessage", 502, "Bad Gateway", times=1, chat_id=executives[1].id)

    await file_report(bot, reporter, ReportAnswers(photos=0, pin=None))
    await bot.api.wait_until(lambda: [c for c in bot.api.calls("sendMessage") if c.status == 502])
    await bot.advance(timedelta(seconds=5))  # back-off is measured on the application's clock
    await bot.api.wait_until(
        lambda: all(alerts_in(bot, e.id, REFERENCE) for e in executives), timeout=15
    )
    await bot.drain()
    after = await scrape(bot.runtime.web_url)

    sent = grew(before, after, "incident_bot_deliveries_total", result="sent")
    assert sent >= len(executives)  # the alerts, and the reporter's status message
    assert grew(before, after, "incident_bot_deliveries_total", result="transient") == 1
    assert grew(before, after, "incident_bot_deliveries_total", result="unreachable") == 0
    assert grew(before, after, "incident_bot_flood_limits_total") == 1
    # An edit with nothing to change counts as delivered too.
    unchanged = grew(before, after, "incident_bot_deliveries_total", result="unchanged")
    delivered = sent + unchanged
    assert grew(before, after, "incident_bot_delivery_seconds_count") == delivered
    # On the application's clock the retried alert went out 5 s after it was queued.
    assert grew(before, after, "incident_bot_delivery_seconds_sum") >= 5.0
    assert grew(before, after, "incident_bot_delivery_seconds_bucket", le="+Inf") == delivered
    assert after[("incident_bot_outbox_pending", ())] == 0
    assert after[("incident_bot_outbox_oldest_pending_age_seconds", ())] == 0
    unacknowledged = "incident_bot_unacknowledged_incidents"
    assert after[(unacknowledged, (("urgency", "most_urgent"),))] == 1
    assert after[(unacknowledged, (("urgency", "very_urgent"),))] == 0
    assert after[(unacknowledged, (("urgency", "urgent"),))] == 0


async def ready(url: str, timeout: float = 30.0) -> httpx.Response:
    """The web log's /readyz answer, waiting for the web log to listen."""
    deadline = asyncio.get_running_loop().time() + timeout
    async with httpx.AsyncClient(base_url=url) as client:
        while True:
            try:
                return await client.get("/readyz")
            except httpx.ConnectError:
                assert asyncio.get_running_loop().time() < deadline, "the web log never listened"
                await asyncio.sleep(0.05)


async def test_readiness_says_the_bot_api_is_not_reached_yet_without_failing(
    fake_api: FakeBotAPI, settings: Settings, clock: ManualClock
):
    fake_api.stop()  # Telegram unreachable
    settings.web_port = closed_port()
    url = f"http://127.0.0.1:{settings.web_port}"
    stop = asyncio.Event()
    running = asyncio.create_task(serve(settings, stop, clock=clock, maintenance_interval=None))
    try:
        answer = await ready(url)
    finally:
        stop.set()
        await asyncio.wait_for(running, timeout=30)

    assert answer.status_code == 200
    assert answer.json() == {
        "status": "ready",
        "database": "ok",
        "telegram": "connecting",
        "telegram_connected": False,
    }
