"""What one /metrics scrape costs over a large outbox, inbox and incident log (SQLite by default).

Fills a fresh database with 100,000 deliveries (1% still pending), 100,000 inbox updates (0.1%
pending) and 10,000 generated incidents (a tenth open and unacknowledged), serves the web log on
loopback with uvicorn as `incident-bot run` does, and times sequential scrapes of /metrics from
loopback. Prints p50/p95/p99 in milliseconds. Run from the project folder:

    .venv/bin/python -m bench.metrics_scrape
    .venv/bin/python -m bench.metrics_scrape --database-url postgresql+asyncpg://postgres@127.0.0.1/bench
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import insert

from bench.web_load import fill, percentile
from bot.app import rules_of
from bot.settings import Settings
from incidents import provinces
from incidents.clock import SystemClock
from incidents.core import Core
from incidents.events import EventBus
from incidents.observability import scrape
from incidents.roster.province import ensure_province
from storage import migrate
from storage.db import Database
from storage.models import Delivery, DeliveryKind, DeliveryStatus, InboxStatus, InboxUpdate
from web import server
from web.app import create_app

BATCH = 5000


def _deliveries(count: int, now: datetime) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for n in range(count):
        created = now - timedelta(seconds=count - n)
        pending = n % 100 == 0
        rows.append(
            {
                "kind": DeliveryKind.MESSAGE,
                "status": DeliveryStatus.PENDING if pending else DeliveryStatus.SENT,
                "chat_id": 1000 + n % 500,
                "params": {},
                "attempts": 0,
                "next_attempt_at": created,
                "lane": f"chat:{1000 + n % 500}",
                "last_error": "",
                "created_at": created,
                "sent_at": None if pending else created,
            }
        )
    return rows


def _updates(count: int, now: datetime) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for n in range(count):
        received = now - timedelta(seconds=count - n)
        pending = n % 1000 == 0
        rows.append(
            {
                "channel": "telegram",
                "external_id": str(n),
                "lane": f"user:{n % 300}",
                "payload": {},
                "status": InboxStatus.PENDING if pending else InboxStatus.DONE,
                "received_at": received,
                "attempts": 0,
                "next_attempt_at": received,
                "handled_at": None if pending else received,
                "last_error": "",
            }
        )
    return rows


async def _insert(db: Database, table: type[object], rows: list[dict[str, object]]) -> None:
    for start in range(0, len(rows), BATCH):
        async with db.write() as session:
            await session.execute(insert(table), rows[start : start + BATCH])


async def run(args: argparse.Namespace) -> None:
    folder = Path(tempfile.mkdtemp(prefix="metrics-bench-"))
    url = args.database_url or f"sqlite+aiosqlite:///{folder / 'bench.db'}"
    db = Database(url)
    await migrate.upgrade(db)
    data = provinces.load("phichit")
    async with db.write() as session:
        province = await ensure_province(session, data)
    now = datetime.now(UTC)
    started = time.perf_counter()
    await fill(db, args.incidents, now)
    await _insert(db, Delivery, _deliveries(args.deliveries, now))
    await _insert(db, InboxUpdate, _updates(args.updates, now))
    print(
        f"filled {args.deliveries:,} deliveries, {args.updates:,} inbox updates and "
        f"{args.incidents:,} incidents in {time.perf_counter() - started:.0f} s"
    )
    settings = Settings(_env_file=None, data_dir=folder)
    core = Core(db, SystemClock(), rules_of(settings), data, province.id, EventBus())
    async with contextlib.AsyncExitStack() as stack:
        base = await stack.enter_async_context(server.running(create_app(core), "127.0.0.1", 0))
        client = await stack.enter_async_context(httpx.AsyncClient(base_url=base, timeout=60))
        for _ in range(5):  # warm-up
            assert (await client.get("/metrics")).status_code == 200
        spent = []
        for _ in range(args.scrapes):
            start = time.perf_counter()
            answer = await client.get("/metrics")
            spent.append((time.perf_counter() - start) * 1000)
            assert answer.status_code == 200, answer.status_code
        queries = []
        for _ in range(args.scrapes):
            start = time.perf_counter()
            await scrape.snapshot(core)
            queries.append((time.perf_counter() - start) * 1000)
    print(f"the gauges' queries alone: p50 {statistics.median(queries):.1f} ms")
    print(
        f"/metrics: {len(spent)} scrapes, p50 {statistics.median(spent):.1f} ms, "
        f"p95 {percentile(spent, 0.95):.1f} ms, p99 {percentile(spent, 0.99):.1f} ms, "
        f"{len(answer.content):,} bytes"
    )
    await db.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=100_000)
    parser.add_argument("--updates", type=int, default=100_000)
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--scrapes", type=int, default=200)
    parser.add_argument("--database-url", default="")
    asyncio.run(run(parser.parse_args(argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
