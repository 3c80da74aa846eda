"""Running the chaos: the fake, the proxy, the program killed and restarted, the reporters."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from sqlalchemy import func, select

from bench.chaos import line as line_side
from bench.chaos import line_figures
from bench.chaos.figures import Enqueued, Figures, compute
from bench.chaos.line import ChaosLinePlatform
from bench.chaos.people import PatientDriver, ReporterLog, file_reports, prepare
from simulator.faults_proxy import FaultPlan, FaultProxy
from storage.db import Database
from storage.models import Delivery, DeliveryStatus, InboxStatus, InboxUpdate, Incident
from tests.fakes import FakeUser
from tests.fakes.bot_api import FakeBotAPI
from tests.support.program import Program, closed_port
from tests.support.reporting import has

T = TypeVar("T")
TOKEN = "4242424242:AAHfakeLoopbackKeyForChaos_0123456789ab"  # noqa: S105 - loopback fake


@dataclass
class Options:
    reporters: int = 20
    reports: int = 60
    kills: int = 10
    fault_rate: float = 0.2
    database_url: str = ""
    executives: int = 5
    line_executives: int = 1  # of the executives, on LINE only (the last ones of the roster)
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
    first_on_line = max(options.executives - options.line_executives, 0) + 1
    on_line = [f"E{i}" for i in range(first_on_line, options.executives + 1)]
    plan = FaultPlan(rate=0.0, seed=options.seed, hang_seconds=options.hang_seconds)
    with (
        RecordingBotAPI(token=TOKEN) as api,
        FaultProxy(api.url, plan) as proxy,
        _line_platform(options, bool(on_line)) as line,
    ):
        env = _environment(url, workdir, proxy, line)
        programs = [Program(workdir, **env)]
        programs[-1].start()
        driver = PatientDriver(api, options.patience)
        try:
            users, line_users = await _join(driver, line, codes, on_line)
            executives = [u.id for r, u in users.items() if r.startswith("E")]
            logs = [ReporterLog(u) for r, u in users.items() if r.startswith("R")]
            since = time.monotonic()
            since_seq = line.mark() if line is not None else 0
            proxy.set_rate(options.fault_rate)
            if line is not None:
                line.set_rate(options.fault_rate)
            counts = _shares(options.reports, len(logs))
            reporting = asyncio.gather(
                *(
                    file_reports(driver, log, n, options.attempts)
                    for log, n in zip(logs, counts, strict=True)
                )
            )
            chatting = asyncio.ensure_future(
                line_side.chat(line, list(line_users.values()), reporting, rng)
                if line is not None
                else _nothing([])
            )
            kill_times = await _kill_while(reporting, programs, env, workdir, options, rng)
            await reporting
            events = await chatting
            await _settle(url, _last_request(proxy, line), options.settle_limit)
            incidents = await _incidents(url)
            handled = await _handled(url, "telegram")
            line_handled = await _handled(url, "line")
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
            {int(external_id) for external_id in handled},
            kill_times,
        )
        if line is not None:
            figures.line = line_figures.compute(
                line, line_users, logs, incidents, since_seq, events, line_handled
            )
    figures.reports = options.reports
    figures.kills = len(kill_times)
    figures.faults = {k.value: v for k, v in proxy.fault_counts().items()}
    return figures


def _environment(
    url: str, workdir: Path, proxy: FaultProxy, line: ChaosLinePlatform | None
) -> dict[str, str]:
    """The program's settings; with LINE, the webhook set to where the program listens."""
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": proxy.base_url,
        "DATABASE_URL": url,
        "LOG_LEVEL": "WARNING",
        "DATA_DIR": str(workdir / "data"),
    }
    if line is not None:
        # A fixed web port: LINE's webhook URL stays right across the restarts.
        port = closed_port()
        env |= {"WEB_PORT": str(port), **line_side.program_env(line)}
        line.set_webhook(f"http://127.0.0.1:{port}{line_side.WEBHOOK_PATH}")
    return env


async def _join(
    driver: PatientDriver,
    line: ChaosLinePlatform | None,
    codes: dict[str, str],
    on_line: list[str],
) -> tuple[dict[str, FakeUser], dict[str, str]]:
    """Everyone joins with their code, on Telegram or (`on_line`) on LINE, all at once; the
    Telegram users and the LINE user ids, by roster id."""
    api = driver.api
    telegram = {r: c for r, c in codes.items() if r not in on_line}
    users = {rid: api.add_user(100_000 + n, rid) for n, rid in enumerate(telegram)}
    line_joining = asyncio.ensure_future(
        line_side.join(line, {r: codes[r] for r in on_line}, 60)
        if line is not None
        else _nothing({})
    )
    await asyncio.gather(
        *(
            driver.say(users[r], f"/start {c}", expect=has("ยินดีต้อนรับ"), timeout=60)
            for r, c in telegram.items()
        )
    )
    return users, await line_joining


@contextlib.contextmanager
def _line_platform(options: Options, wanted: bool) -> Iterator[ChaosLinePlatform | None]:
    if not wanted:
        yield None
        return
    line = line_side.platform(options.seed, options.hang_seconds)
    line.start()
    try:
        yield line
    finally:
        line.stop()


async def _nothing(value: T) -> T:
    return value


def _last_request(proxy: FaultProxy, line: ChaosLinePlatform | None) -> Callable[[], float]:
    """When the program last sent something, on either channel (time.monotonic)."""

    def last() -> float:
        sent = max(
            (r.time for r in proxy.requests() if r.method.lower() != "getupdates"), default=0.0
        )
        return max(sent, line.last_request if line is not None else 0.0)

    return last


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


async def _settle(url: str, last_request: Callable[[], float], limit: float) -> None:
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
            if not pending and time.monotonic() - last_request() > 3:
                return
            await asyncio.sleep(0.5)
    finally:
        await db.dispose()


async def _handled(url: str, channel: str) -> set[str]:
    """The update ids (Telegram) or webhook event ids (LINE) the program's inbox holds as
    settled (handled, or kept as failed for the operator); one received but not among them
    was dropped."""
    db = Database(url)
    try:
        async with db.read() as session:
            rows = await session.scalars(
                select(InboxUpdate.external_id).where(
                    InboxUpdate.channel == channel, InboxUpdate.status != InboxStatus.PENDING
                )
            )
            return {str(external_id) for external_id in rows}
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
