"""Who may read /metrics: a bearer of METRICS_TOKEN, or, without one, this machine alone."""

from __future__ import annotations

import httpx
import pytest

from incidents.text.web import METRICS_REFUSED
from tests.web.conftest import Site
from web.app import create_app

TOKEN = "s3cret-metrics-token-for-tests"
LOOPBACK, ELSEWHERE = ("127.0.0.1", 40000), ("203.0.113.7", 50000)


async def scrape(
    app: object, client: tuple[str, int], headers: dict[str, str] | None = None
) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, client=client)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as browser:
        return await browser.get("/metrics", headers=headers or {})


async def test_without_a_token_this_machine_may_scrape(site: Site):
    answer = await scrape(site.app, LOOPBACK)

    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain; version=")
    assert "incident_bot_outbox_pending" in answer.text


async def test_without_a_token_ipv6_loopback_may_scrape_too(site: Site):
    answer = await scrape(site.app, ("::1", 40000))

    assert answer.status_code == 200


async def test_without_a_token_another_machine_is_refused(site: Site):
    answer = await scrape(site.app, ELSEWHERE)

    assert answer.status_code == 403
    assert answer.text == METRICS_REFUSED
    assert "incident_bot" not in answer.text


@pytest.mark.parametrize("header", ["X-Forwarded-For", "Forwarded", "X-Real-IP"])
async def test_without_a_token_a_request_a_local_proxy_forwarded_is_refused(site: Site, header):
    answer = await scrape(site.app, LOOPBACK, {header: "203.0.113.7"})

    assert answer.status_code == 403


async def test_with_a_token_its_bearer_may_scrape_from_anywhere(site: Site):
    app = create_app(site.core, metrics_token=TOKEN)

    answer = await scrape(app, ELSEWHERE, {"Authorization": f"Bearer {TOKEN}"})

    assert answer.status_code == 200
    assert "incident_bot_unacknowledged_incidents" in answer.text


@pytest.mark.parametrize(
    "authorization", [None, "Bearer wrong-token-of-some-length", f"Basic {TOKEN}", TOKEN]
)
async def test_with_a_token_anyone_without_it_is_refused_even_on_loopback(
    site: Site, authorization
):
    app = create_app(site.core, metrics_token=TOKEN)
    headers = {"Authorization": authorization} if authorization else {}

    answer = await scrape(app, LOOPBACK, headers)

    assert answer.status_code == 401
    assert answer.headers["www-authenticate"].startswith("Bearer")
    assert answer.text == METRICS_REFUSED


async def test_health_and_readiness_need_no_token(site: Site):
    app = create_app(site.core, metrics_token=TOKEN)
    transport = httpx.ASGITransport(app=app, client=ELSEWHERE)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as browser:
        assert (await browser.get("/healthz")).status_code == 200
        assert (await browser.get("/readyz")).status_code == 200
