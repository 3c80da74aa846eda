"""/readyz: 200 while the database answers, 503 with the reason when it does not."""

from __future__ import annotations

import httpx

from incidents.core import Core
from incidents.observability.health import Health, Link
from storage.db import Database
from tests.support.program import closed_port
from tests.web.conftest import Site
from web.app import create_app


async def get(app: object, path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        return await client.get(path)


async def test_ready_while_the_database_answers(site: Site):
    app = create_app(site.core, health=Health({"telegram": Link.CONNECTED}))

    answer = await get(app, "/readyz")

    assert answer.status_code == 200
    assert answer.json() == {
        "status": "ready",
        "database": "ok",
        "telegram": "connected",
        "telegram_connected": True,
    }
    assert answer.headers["cache-control"] == "no-store"


async def test_a_database_down_answers_503_with_the_reason_while_healthz_stays_200(site: Site):
    down = Database(f"postgresql+asyncpg://postgres@127.0.0.1:{closed_port()}/incident")
    core = Core(down, site.clock, site.core.rules, site.core.province, 1, site.core.events)
    app = create_app(core, health=Health({"telegram": Link.CONNECTED}))
    try:
        ready = await get(app, "/readyz")
        alive = await get(app, "/healthz")
    finally:
        await down.dispose()

    assert ready.status_code == 503
    assert ready.json()["status"] == "not ready"
    assert ready.json()["database"].startswith("unreachable (")
    assert alive.status_code == 200
    assert alive.json() == {"status": "ok", "telegram": "connected"}
