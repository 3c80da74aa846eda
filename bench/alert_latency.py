"""Alert latency: from the confirm tap reaching the bot to the last executive alert accepted.

Starts the fake Bot API on loopback and the real program (`incident-bot run`, SQLite by
default), joins five executives and twenty reporters, files reports one at a time and twenty
at once, and prints p50/p95/p99 beside the same figure for a bare python-telegram-bot program
(bench/bare_ptb.py) that sends the same alert text to the same five chats in answer to one
button press, against the same fake server. Run from the project folder:

    .venv/bin/python -m bench.alert_latency            # about a minute
    .venv/bin/python -m bench.alert_latency --sequential 50 --database-url postgresql+asyncpg://…
    .venv/bin/python -m bench.alert_latency --profile /tmp/profile.txt   # under pyinstrument

The clock starts when the confirm update is handed to the bot's waiting getUpdates (the fake
answers a long poll the moment an update is injected) and stops when the fake receives the
last of the five alert requests; both programs are measured the same way.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from incidents import provinces
from incidents.audit import CLI_ACTOR
from incidents.clock import SystemClock
from incidents.roster import csv as roster_csv
from incidents.roster import invites
from incidents.roster import people as roster
from incidents.roster.province import ensure_province
from storage import migrate
from storage.db import Database
from tests.fakes import FakeUser
from tests.fakes.bot_api import FakeBotAPI
from tests.support.harness import Driver, button_data
from tests.support.program import Program, environment
from tests.support.reporting import ReportAnswers, fill_report, has

TOKEN = "4242424242:AAHfakeLoopbackKeyForBench_0123456789ab"  # noqa: S105 - loopback fake
EXECUTIVES = 5
REPORTERS = 20
ANSWERS = ReportAnswers(
    category="ความไม่สงบ", urgency="ด่วนที่สุด", ddpm="", pin=None, damage=None, photos=0
)


def roster_csv_text() -> str:
    """Five executives and twenty district-level reporters (fictional)."""
    lines = ["id,name,position,agency,district,phone,roles"]
    for i in range(1, EXECUTIVES + 1):
        lines.append(
            f"E{i},นายผู้บริหาร ทดสอบ{i},รองผู้ว่าราชการจังหวัด,ศาลากลาง,,080-000-00{i:02d},executive"
        )
    for i in range(1, REPORTERS + 1):
        code = f"66{(i - 1) % 12 + 1:02d}"
        phone = f"080-000-1{i:03d}"
        lines.append(
            f"R{i:02d},นายผู้รายงาน ทดสอบ{i},นายอำเภอ,ที่ว่าการอำเภอ {i},{code},{phone},reporter"
        )
    return "\n".join(lines) + "\n"


async def prepare(url: str) -> dict[str, str]:
    """Migrate, import the roster and issue an invitation to everyone; return the codes."""
    db = Database(url)
    try:
        await migrate.upgrade(db)
        data = provinces.load("phichit")
        parsed = roster_csv.parse(roster_csv_text().encode(), data)
        assert not parsed.errors, parsed.errors
        codes: dict[str, str] = {}
        async with db.write() as session:
            province = await ensure_province(session, data)
            await roster.import_rows(session, province, parsed.rows, _now(), CLI_ACTOR, "bench")
            for row in parsed.rows:
                person = await roster.get_by_roster_id(session, province, row.roster_id)
                issued = await invites.issue(session, person, _now(), _ttl(), CLI_ACTOR)
                codes[row.roster_id] = issued.code
        return codes
    finally:
        await db.dispose()


def _now() -> datetime:
    return SystemClock().now()


def _ttl() -> timedelta:
    return timedelta(hours=1)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank)."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def summary(values: list[float]) -> str:
    """p50 / p95 / p99 in milliseconds."""
    ms = [v * 1000 for v in values]
    return f"{percentile(ms, 50):7.1f} {percentile(ms, 95):7.1f} {percentile(ms, 99):7.1f}"


def alert_arrivals(api: FakeBotAPI, chats: set[int], since: int, marker: str) -> list[float]:
    """Arrival times of accepted sendMessage calls to `chats` whose text holds `marker`."""
    return [
        c.time
        for c in api.calls("sendMessage", since=since)
        if c.status == 200 and int(c.params["chat_id"]) in chats and marker in c.params["text"]
    ]


async def wait_alerts(
    api: FakeBotAPI, executives: set[int], mark: int, reference: str, limit: float
) -> list[float]:
    """Arrival times of the alerts for `reference`, once all executives' have arrived."""

    def found() -> list[float] | None:
        arrivals = alert_arrivals(api, executives, mark, reference)
        return arrivals if len(arrivals) >= EXECUTIVES else None

    return await api.wait_until(found, limit, what=f"the alerts for {reference}")


class ProfiledProgram(Program):
    """`incident-bot run` under pyinstrument, which writes its text report when it stops."""

    def __init__(self, cwd: Path, report: Path, **env: str) -> None:
        super().__init__(cwd, **env)
        self.report = report

    def start(self, *, umask: int = -1) -> None:
        """Start the program with the sampling profiler around it."""
        log = self.log_path.open("wb")
        profiler = [sys.executable, "-m", "pyinstrument", "-r", "text", "--show-all"]
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and program
            [*profiler, "-o", str(self.report), "-m", "bot", "run"],
            cwd=self.cwd,
            env=self.env,
            stdout=log,
            stderr=log,
            umask=umask,
        )


async def measure_program(
    api: FakeBotAPI,
    url: str,
    workdir: Path,
    sequential: int,
    concurrent: int,
    profile: Path | None = None,
) -> tuple[list[float], list[float], str]:
    """Latencies of the real program, one report at a time and `concurrent` at once."""
    codes = await prepare(url)
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "DATABASE_URL": url,
        "LOG_LEVEL": "WARNING",
        "DATA_DIR": str(workdir / "data"),
    }
    program: Program = (
        Program(workdir, **env) if profile is None else ProfiledProgram(workdir, profile, **env)
    )
    program.start()
    driver = Driver(api)
    try:
        users: dict[str, FakeUser] = {}
        for index, roster_id in enumerate(codes):
            users[roster_id] = api.add_user(100_000 + index, roster_id)
        await asyncio.gather(
            *(
                driver.say(users[r], f"/start {c}", expect=has("ยินดีต้อนรับ"), timeout=60)
                for r, c in codes.items()
            )
        )
        executives = {users[f"E{i}"].id for i in range(1, EXECUTIVES + 1)}
        reporters = [users[f"R{i:02d}"] for i in range(1, REPORTERS + 1)]

        one_at_a_time: list[float] = []
        sample_alert = ""
        for n in range(sequential):
            reporter = reporters[n % len(reporters)]
            review = await fill_report(driver, reporter, ANSWERS)
            # Let the flood limiter's one-second window empty of the conversation's own
            # messages, as it would for a person reading the review before tapping confirm.
            await api.wait_idle(quiet=1.1, timeout=30)
            mark = api.mark()
            started = time.monotonic()
            api.press_button(reporter, review, button_data(review, "ยืนยัน"))
            filed = await api.wait_for_message(reporter.id, has("ส่งรายงานแล้ว"), 30, since=mark)
            reference = (filed.text or "").split("เลขที่ ")[1].split()[0]
            arrivals = await wait_alerts(api, executives, mark, reference, 30)
            one_at_a_time.append(max(arrivals) - started)
            if os.environ.get("BENCH_TRACE"):
                await api.wait_idle(quiet=0.3, timeout=30)
                for c in api.calls(since=mark):
                    print(
                        f"{(c.time - started) * 1000:8.1f} {c.method} {c.params.get('chat_id', '')}"
                    )
                print("----")
            if not sample_alert:
                sample_alert = next(
                    c.params["text"]
                    for c in api.calls("sendMessage", since=mark)
                    if int(c.params["chat_id"]) in executives
                )
            await api.wait_idle(quiet=0.3, timeout=30)

        reviews = await asyncio.gather(
            *(fill_report(driver, r, ANSWERS) for r in reporters[:concurrent])
        )
        await api.wait_idle(quiet=1.1, timeout=30)
        mark = api.mark()
        started = time.monotonic()
        for reporter, review in zip(reporters[:concurrent], reviews, strict=True):
            api.press_button(reporter, review, button_data(review, "ยืนยัน"))
        filed_messages = await asyncio.gather(
            *(
                api.wait_for_message(r.id, has("ส่งรายงานแล้ว"), 60, since=mark)
                for r in reporters[:concurrent]
            )
        )
        together: list[float] = []
        for message in filed_messages:
            reference = (message.text or "").split("เลขที่ ")[1].split()[0]
            arrivals = await wait_alerts(api, executives, mark, reference, 60)
            together.append(max(arrivals) - started)
    finally:
        program.terminate()
        program.ensure_stopped()
        for line in program.output().splitlines():
            if " WARNING " in line or " ERROR " in line:
                print(f"program: {line}", file=sys.stderr)
    return one_at_a_time, together, sample_alert


async def measure_bare(
    api: FakeBotAPI, workdir: Path, text: str, sequential: int, concurrent: int, rate_limiter: bool
) -> tuple[list[float], list[float]]:
    """Latencies of the bare program: one press, then `concurrent` presses at once."""
    chats = [200_000 + i for i in range(EXECUTIVES)]
    for chat in chats:
        api.add_user(chat, f"exec{chat}")
    presser = api.add_user(300_000, "presser")
    text_file = workdir / "alert.html"
    text_file.write_text(text, encoding="utf-8")
    command = [
        sys.executable,
        "-m",
        "bench.bare_ptb",
        TOKEN,
        api.base_url,
        ",".join(map(str, chats)),
        str(text_file),
    ]
    if rate_limiter:
        command.append("--rate-limiter")
    process = await asyncio.create_subprocess_exec(
        *command, env=environment(), stdout=asyncio.subprocess.PIPE
    )
    try:
        assert process.stdout is not None
        await process.stdout.readline()  # "ready"
        targets = set(chats)

        def press() -> None:
            api.inject_update(
                {
                    "callback_query": {
                        "id": str(time.monotonic_ns()),
                        "from": presser.to_dict(),
                        "chat_instance": "1",
                        "data": "alert",
                    }
                }
            )

        async def last_arrival(mark: int, count: int) -> list[float]:
            return await api.wait_until(
                lambda: (
                    found
                    if len(
                        found := [
                            c.time
                            for c in api.calls("sendMessage", since=mark)
                            if c.status == 200 and int(c.params["chat_id"]) in targets
                        ]
                    )
                    >= count
                    else None
                ),
                60,
            )

        one_at_a_time = []
        for _ in range(sequential):
            mark = api.mark()
            started = time.monotonic()
            press()
            one_at_a_time.append(max(await last_arrival(mark, EXECUTIVES)) - started)
            await api.wait_idle(quiet=0.2, timeout=30)
        together: list[float] = []
        # `--concurrent 0` skips the burst: waiting for zero arrivals would never be satisfied
        # (an empty list is falsy to wait_until) and time out after 60 s.
        if concurrent:
            mark = api.mark()
            started = time.monotonic()
            for _ in range(concurrent):
                press()
            arrivals = sorted(await last_arrival(mark, EXECUTIVES * concurrent))
            # The k-th press is done when its 5 messages are out; sends interleave, so take the
            # 5k-th arrival as the k-th completion.
            together = [arrivals[EXECUTIVES * k - 1] - started for k in range(1, concurrent + 1)]
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), 30)
    return one_at_a_time, together


async def main() -> None:
    """Run both programs and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sequential", type=int, default=30)
    parser.add_argument("--concurrent", type=int, default=REPORTERS)
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--profile", type=Path, help="run the program under pyinstrument; its report goes here"
    )
    args = parser.parse_args()
    os.environ.setdefault("PTB_TIMEDELTA", "1")

    with tempfile.TemporaryDirectory() as tmp, FakeBotAPI(token=TOKEN) as api:
        workdir = Path(tmp)
        url = args.database_url or f"sqlite+aiosqlite:///{workdir}/bench.db"
        ours_seq, ours_conc, sample = await measure_program(
            api, url, workdir, args.sequential, args.concurrent, args.profile
        )
        api.reset()
        bare_seq, bare_conc = await measure_bare(
            api, workdir, sample, args.sequential, args.concurrent, rate_limiter=True
        )
        api.reset()
        raw_seq, raw_conc = await measure_bare(
            api, workdir, sample, args.sequential, args.concurrent, rate_limiter=False
        )

    backend = "PostgreSQL" if args.database_url.startswith("postgresql") else "SQLite"
    print(f"alert latency, {EXECUTIVES} executives, database {backend}, milliseconds")
    print(f"{'':44} {'p50':>7} {'p95':>7} {'p99':>7}")
    rows = [
        (f"incident-bot, one report at a time (n={len(ours_seq)})", ours_seq),
        ("bare PTB + AIORateLimiter, one at a time", bare_seq),
        ("bare PTB, no rate limiter, one at a time", raw_seq),
        (f"incident-bot, {len(ours_conc)} reports at once", ours_conc),
        (f"bare PTB + AIORateLimiter, {len(bare_conc)} at once", bare_conc),
        (f"bare PTB, no rate limiter, {len(raw_conc)} at once", raw_conc),
    ]
    for label, values in rows:
        if values:
            print(f"{label:44} {summary(values)}")
    for label, ours, base in (
        ("one at a time", ours_seq, bare_seq),
        ("at once", ours_conc, bare_conc),
    ):
        if not ours or not base:
            continue
        ratio = percentile(ours, 50) / percentile(base, 50)
        ratio95 = percentile(ours, 95) / percentile(base, 95)
        print(
            f"ratio incident-bot / bare PTB + limiter, {label}: p50 {ratio:.2f}, p95 {ratio95:.2f}"
        )


if __name__ == "__main__":
    asyncio.run(main())
