"""Running the chaos: the fake, the proxy, the program killed and restarted, the reporters."""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from bench.chaos.figures import Enqueued, Figures, compute
from bench.chaos.people import PatientDriver, ReporterLog, file_reports, prepare
from simulator.faults_proxy import FaultPlan, FaultProxy
from storage.db import Database
from storage.models import Delivery, DeliveryStatus, InboxStatus, InboxUpdate, Incident
from tests.fakes.bot_api import FakeBotAPI
from tests.support.program import Program
from tests.support.reporting import has

TOKEN = "4242424242:AAHfakeLoopbackKeyForChaos_0123456789ab"  # noqa: S105 - loopback fake


@dataclass
class Options:
    reporters: int = 20
    reports: int = 60
    kills: int = 10
    fault_rate: float = 0.2
    database_url: str = ""
    executives: int = 5
    seed: int | None = None
    patience: float = 30.0  # how long a person waits for the bot before starting over
    uptime: tuple[float, float] = (2.0, 10.0)  # seconds between a restart and the next kill
    hang_seconds: float = 25.0
    attempts: int = 6  # tries per report before the reporter gives up
    settle_limit: float = 300.0  # at most this long for the outbox to empty at the end


class RecordingBotAPI(FakeBotAPI):
    """The fake Bot API, noting when each update was queued."""

    enqueued: list[Enqueued]

    def _enqueue_locked(self, update: dict[str, object], *, force: bool = False) -> None:
        if not hasattr(self, "enqueued"):
            self.enqueued = []
        self.enqueued.append(Enqueued(time.monotonic(), update))
        super()._enqueue_locked(update, force=force)


async def run(options: Options, workdir: Path) -> Figures:
    """One chaos run; the figures at quiescence."""
    rng = random.Random(options.seed)  # noqa: S311 - kill moments, not security
    url = options.database_url or f"sqlite+aiosqlite:///{workdir}/chaos.db"
    codes = await prepare(url, options.executives, options.reporters)
    plan = FaultPlan(rate=0.0, seed=options.seed, hang_seconds=options.hang_seconds)
    with RecordingBotAPI(token=TOKEN) as api, FaultProxy(api.url, plan) as proxy:
        env = {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": proxy.base_url,
            "DATABASE_URL": url,
            "LOG_LEVEL": "WARNING",
            "DATA_DIR": str(workdir / "data"),
        }
        programs = [Program(workdir, **env)]
        programs[-1].start()
        driver = PatientDriver(api, options.patience)
        try:
            users = {rid: api.add_user(100_000 + n, rid) for n, rid in enumerate(codes)}
            await asyncio.gather(
                *(
                    driver.say(users[r], f"/start {c}", expect=has("ยินดีต้อนรับ"), timeout=60)
                    for r, c in codes.items()
                )
            )
            executives = [u.id for r, u in users.items() if r.startswith("E")]
            logs = [ReporterLog(u) for r, u in users.items() if r.startswith("R")]
            since = time.monotonic()
            proxy.set_rate(options.fault_rate)
            counts = _shares(options.reports, len(logs))
            reporting = asyncio.gather(
                *(
                    file_reports(driver, log, n, options.attempts)
                    for log, n in zip(logs, counts, strict=True)
                )
            )
            kill_times = await _kill_while(reporting, programs, env, workdir, options, rng)
            await reporting
            await _settle(url, proxy, options.settle_limit)
            incidents = await _incidents(url)
            handled = await _handled(url)
        finally:
            for program in programs:
                program.ensure_stopped()
        figures = compute(
            api,
            proxy.requests(),
            api.enqueued,
            logs,
            executives,
            incidents,
            since,
            handled,
            kill_times,
        )
    figures.reports = options.reports
    figures.kills = len(kill_times)
    figures.faults = {k.value: v for k, v in proxy.fault_counts().items()}
    return figures


def _shares(total: int, people: int) -> list[int]:
    return [total // people + (1 if n < total % people else 0) for n in range(people)]


async def _kill_while(
    reporting: asyncio.Future[list[None]],
    programs: list[Program],
    env: dict[str, str],
    workdir: Path,
    options: Options,
    rng: random.Random,
) -> list[float]:
    """SIGKILL and restart the program at random moments while the reporters work; return
    when each kill was made (time.monotonic, as the fake and the proxy record)."""
    done: list[float] = []
    while len(done) < options.kills and not reporting.done():
        await asyncio.wait([reporting], timeout=rng.uniform(*options.uptime))
        if reporting.done():
            break
        programs[-1].kill()
        done.append(time.monotonic())
        programs.append(Program(workdir, **env))
        programs[-1].start()
    return done


async def _settle(url: str, proxy: FaultProxy, limit: float) -> None:
    """Wait until no delivery is pending and the program has sent nothing for 3 s."""
    db = Database(url)
    deadline = time.monotonic() + limit
    try:
        while time.monotonic() < deadline:
            async with db.read() as session:
                pending = await session.scalar(
                    select(func.count())
                    .select_from(Delivery)
                    .where(Delivery.status == DeliveryStatus.PENDING)
                )
            last = max(
                (r.time for r in proxy.requests() if r.method.lower() != "getupdates"),
                default=0.0,
            )
            if not pending and time.monotonic() - last > 3:
                return
            await asyncio.sleep(0.5)
    finally:
        await db.dispose()


async def _handled(url: str) -> set[int]:
    """The Telegram update ids the program's inbox holds as settled (handled, or kept as
    failed for the operator); an update fetched but not among them was dropped."""
    db = Database(url)
    try:
        async with db.read() as session:
            rows = await session.scalars(
                select(InboxUpdate.external_id).where(
                    InboxUpdate.channel == "telegram", InboxUpdate.status != InboxStatus.PENDING
                )
            )
            return {int(external_id) for external_id in rows}
    finally:
        await db.dispose()


async def _incidents(url: str) -> dict[str, str]:
    db = Database(url)
    try:
        async with db.read() as session:
            rows = (await session.execute(select(Incident.reference, Incident.description))).all()
        return {str(reference): str(description) for reference, description in rows}
    finally:
        await db.dispose()
