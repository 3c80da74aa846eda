"""Three replicas of the real program on one PostgreSQL database, in webhook mode behind a
loopback balancer; one is killed in the middle of a burst of reports. Nothing is lost, nothing
is handled twice, and every alert reaches every executive."""

from __future__ import annotations

import asyncio
import socket
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bench.alert_latency import ANSWERS, EXECUTIVES, TOKEN, prepare
from storage.db import Database
from storage.models import Delivery, DeliveryStatus, InboxStatus, InboxUpdate, Incident
from tests.fakes import FakeUser
from tests.fakes.bot_api import FakeBotAPI
from tests.support.balancer import Balancer
from tests.support.harness import Driver, button_data
from tests.support.program import Program
from tests.support.reporting import fill_report, has, own_reference
from web import server as web_server

# On PostgreSQL as in production (and on SQLite too, which several processes may share).
pytestmark = pytest.mark.slow

SECRET = "replica-webhook-secret_0123456789"
REPORTERS = 6
FILED = "ส่งรายงานแล้ว"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def counts(url: str) -> tuple[list[str], int, int]:
    """Incident references, inbox rows not settled, deliveries not settled."""
    db = Database(url)
    try:
        async with db.read() as session:
            references = list((await session.scalars(select(Incident.reference))).all())
            inbox = await session.scalar(
                select(func.count(InboxUpdate.id)).where(InboxUpdate.status == InboxStatus.PENDING)
            )
            outbox = await session.scalar(
                select(func.count(Delivery.id)).where(Delivery.status == DeliveryStatus.PENDING)
            )
        return references, int(inbox or 0), int(outbox or 0)
    finally:
        await db.dispose()


async def test_three_replicas_lose_nothing_when_one_is_killed_mid_burst(
    database_url: str, tmp_path: Path
):
    codes = await prepare(database_url)
    ports = [free_port() for _ in range(3)]
    balancer = Balancer([f"http://127.0.0.1:{port}" for port in ports])
    with FakeBotAPI(token=TOKEN, bot_username="phichit_incident_bot") as api:
        async with web_server.running(balancer.app, "127.0.0.1", 0) as balanced:
            replicas = [
                Program(
                    tmp_path,
                    TELEGRAM_BOT_TOKEN=TOKEN,
                    TELEGRAM_API_BASE_URL=api.base_url,
                    TELEGRAM_WEBHOOK_URL=f"{balanced}/telegram/webhook",
                    TELEGRAM_WEBHOOK_SECRET=SECRET,
                    DATABASE_URL=database_url,
                    DATA_DIR=str(tmp_path / "data"),
                    WEB_PORT=str(port),
                    INSTANCE_NAME=f"replica-{n}",
                    LOG_LEVEL="WARNING",
                )
                for n, port in enumerate(ports)
            ]
            try:
                for replica in replicas:
                    replica.start()
                await api.wait_until(
                    lambda: len(api.calls("setWebhook")) >= 3 or None, 60, what="three webhooks"
                )
                driver = Driver(api)
                users: dict[str, FakeUser] = {
                    r: api.add_user(100_000 + i, r) for i, r in enumerate(codes)
                }
                await asyncio.gather(
                    *(
                        driver.say(users[r], f"/start {c}", expect=has("ยินดีต้อนรับ"), timeout=60)
                        for r, c in codes.items()
                        if r.startswith("E") or int(r[1:]) <= REPORTERS
                    )
                )
                executives = {users[f"E{i}"].id for i in range(1, EXECUTIVES + 1)}
                reporters = [users[f"R{i:02d}"] for i in range(1, REPORTERS + 1)]
                reviews = await asyncio.gather(
                    *(fill_report(driver, r, ANSWERS) for r in reporters)
                )
                mark = api.mark()
                for n, (reporter, review) in enumerate(zip(reporters, reviews, strict=True)):
                    api.press_button(reporter, review, button_data(review, "ยืนยัน"))
                    if n == REPORTERS // 2:
                        replicas[1].kill()  # mid-burst, whatever it holds
                filed = await asyncio.gather(
                    *(api.wait_for_message(r.id, has(FILED), 90, since=mark) for r in reporters)
                )
                references = [(m.text or "").split("เลขที่ ")[1].split()[0] for m in filed]

                def every_alert() -> bool | None:
                    got = {
                        (int(c.params["chat_id"]), own_reference(c.params["text"]))
                        for c in api.calls("sendMessage", since=mark)
                        if c.status == 200
                        and int(c.params["chat_id"]) in executives
                        and own_reference(c.params["text"]) in references
                    }
                    return len(got) == EXECUTIVES * len(references) or None

                await api.wait_until(every_alert, 90, what="every executive's alerts")

                async def settled() -> bool:
                    _, inbox, outbox = await counts(database_url)
                    return inbox == 0 and outbox == 0

                for _ in range(300):
                    if await settled():
                        break
                    await asyncio.sleep(0.2)
            finally:
                for replica in replicas:
                    replica.terminate()
                    replica.ensure_stopped()
                await balancer.aclose()

    stored, inbox_pending, outbox_pending = await counts(database_url)
    copies = Counter(
        (int(c.params["chat_id"]), own_reference(c.params["text"]))
        for c in api.calls("sendMessage", since=mark)
        if c.status == 200
        and int(c.params["chat_id"]) in executives
        and own_reference(c.params["text"]) in references
        and "รับทราบ" in str(c.params.get("reply_markup", ""))
    )
    filed_copies = Counter(
        int(c.params["chat_id"])
        for c in api.calls("sendMessage", since=mark)
        if c.status == 200 and FILED in c.params["text"]
    )
    assert sorted(stored) == sorted(set(references)) and len(stored) == REPORTERS
    assert inbox_pending == 0 and outbox_pending == 0
    assert set(copies) == {(e, ref) for e in executives for ref in references}
    # A copy more than once only where the killed replica may have sent it without recording
    # it: at most the alerts of the reports it was holding.
    assert sum(n - 1 for n in copies.values()) <= EXECUTIVES * 2
    assert all(n <= 2 for n in filed_copies.values()), filed_copies
    assert balancer.forwarded[balancer.backends[0]] > 0
    assert balancer.forwarded[balancer.backends[2]] > 0
