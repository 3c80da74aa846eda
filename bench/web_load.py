"""Web log response times over 100,000 generated incidents (SQLite by default).

Fills a fresh database with generated incidents (Thai places and descriptions, twelve
districts, every category and urgency, four years of history, most acknowledged; every status
in the last month, closed before it), starts the web log on loopback with uvicorn exactly as
`incident-bot run` does, signs in as the Governor, and times sequential requests of the list, a
Thai substring search, an incident page, the statistics page and the situation page. Prints
p50/p95/p99 in milliseconds. Run from the project folder:

    .venv/bin/python -m bench.web_load                    # 100,000 incidents, ~2 minutes
    .venv/bin/python -m bench.web_load --incidents 20000 --requests 50
    .venv/bin/python -m bench.web_load --database-url postgresql+asyncpg://postgres@127.0.0.1/bench
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import func, insert, select
from sqlalchemy import text as sql_text

from bot import heap
from bot.app import rules_of
from bot.settings import Settings
from incidents import provinces
from incidents.clock import SystemClock
from incidents.core import Core
from incidents.events import EventBus
from incidents.records import sessions
from incidents.roster.province import ensure_province
from incidents.thaidate import be_year
from storage import migrate
from storage.db import Database
from storage.models import (
    Category,
    District,
    Incident,
    IncidentStatus,
    Person,
    Province,
    Urgency,
)
from tests.support.incidents import import_sample_roster
from web import server
from web.app import create_app

PLACES = [
    "บ้านวังหลุม หมู่ 3 ต.วังหลุม",
    "ตลาดสดเทศบาลเมืองพิจิตร",
    "ถนนสายบางมูลนาก-ตะพานหิน กม. 12",
    "โรงเรียนบ้านดงป่าคำ",
    "วัดท่าหลวง ริมแม่น้ำน่าน",
    "สะพานข้ามแม่น้ำยม บ้านโพทะเล",
    "ชุมชนหน้าสถานีรถไฟตะพานหิน",
    "นาข้าว หมู่ 7 ต.สามง่าม",
]
DESCRIPTIONS = [
    "น้ำจากแม่น้ำน่านล้นตลิ่งเข้าท่วมบ้านเรือน ระดับน้ำสูง {n} ซม. กำลังอพยพผู้สูงอายุ",
    "เกิดเพลิงไหม้แผงค้าในตลาด {n} แผง เจ้าหน้าที่ดับเพลิงควบคุมได้แล้ว",
    "รถบรรทุกชนรถโดยสารประจำทาง มีผู้บาดเจ็บ {n} ราย ส่งโรงพยาบาลแล้ว",
    "พายุฤดูร้อนพัดหลังคาบ้านเรือนเสียหาย {n} หลัง ไฟฟ้าดับบางจุด",
    "มีการชุมนุมของเกษตรกรประมาณ {n} คน เรียกร้องเรื่องราคาข้าว",
    "ประปาหมู่บ้านขัดข้อง ประชาชนกว่า {n} ครัวเรือนไม่มีน้ำใช้",
    "พบผู้ป่วยไข้เลือดออกเพิ่มขึ้น {n} รายในสัปดาห์นี้ ทีมควบคุมโรคลงพื้นที่แล้ว",
]
SEARCH = "ล้นตลิ่ง"  # inside a word run, as Thai is written; about one incident in seven
RARE = "ไม่มีในบันทึก"  # found nowhere: every candidate has to be ruled out
SHORT = "ซม"  # two characters: too short for the trigram index, read row by row


# How far back generated incidents may still be open (older ones are all closed).
OPEN_WINDOW = timedelta(days=30)


def _rows(
    count: int, province_id: int, districts: list[int], people: list[Person], now: datetime
) -> list[dict[str, object]]:
    rng = random.Random(42)  # noqa: S311 - reproducible sample data, not secrets
    categories, urgencies, statuses = list(Category), list(Urgency), list(IncidentStatus)
    per_year: dict[int, int] = {}
    span = timedelta(days=4 * 365).total_seconds()
    rows = []
    stamps = sorted(now - timedelta(seconds=rng.random() * span) for _ in range(count))
    for occurred in stamps:
        person = rng.choice(people)
        year = be_year(occurred.date())
        per_year[year] = per_year.get(year, 0) + 1
        created = occurred + timedelta(minutes=rng.randint(1, 90))
        acked = rng.random() < 0.9
        rows.append(
            {
                "province_id": province_id,
                "reference": f"PCT-{year}-{per_year[year]:05d}",
                "year_be": year,
                "sequence": per_year[year],
                "category": rng.choice(categories),
                "urgency": rng.choice(urgencies),
                "ddpm_level": rng.choice([None, 1, 2, 3]),
                "district_id": rng.choice(districts),
                "place": rng.choice(PLACES),
                "latitude": 16.4 + rng.random() / 2,
                "longitude": 100.2 + rng.random() / 2,
                "occurred_at": occurred,
                "description": rng.choice(DESCRIPTIONS).format(n=rng.randint(2, 300)) * 2,
                "injured": rng.choice([None, 0, 1, 5]),
                "reporter_id": person.id,
                "agency_id": person.agency_id,
                "reporter_name": person.name,
                "reporter_position": person.position,
                "reporter_phone": person.phone,
                "agency_name": person.agency.name,
                # An office closes what it handled: only the last month's may still be open.
                "status": rng.choice(statuses)
                if now - occurred < OPEN_WINDOW
                else IncidentStatus.CLOSED,
                "created_at": created,
                "updated_at": created,
                "acknowledged_at": created + timedelta(seconds=rng.randint(20, 3600))
                if acked
                else None,
            }
        )
    return rows


async def fill(db: Database, count: int, now: datetime) -> None:
    """The sample roster and `count` generated incidents."""
    await import_sample_roster(db, now)
    async with db.read() as session:
        province_id = (await session.scalars(select(Province.id))).one()
        districts = list((await session.scalars(select(District.id))).all())
        people = list((await session.scalars(select(Person))).unique().all())
    rows = _rows(count, province_id, districts, people, now)
    for start in range(0, len(rows), 5000):
        async with db.write() as session:
            await session.execute(insert(Incident), rows[start : start + 5000])


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p * len(ordered) + 0.5) - 1))]


async def timed(client: httpx.AsyncClient, paths: list[str]) -> list[float]:
    """Milliseconds per request, each checked for a 200."""
    spent = []
    for path in paths:
        start = time.perf_counter()
        answer = await client.get(path, headers={"accept": "text/html"})
        spent.append((time.perf_counter() - start) * 1000)
        assert answer.status_code == 200, (path, answer.status_code)
    return spent


async def run(args: argparse.Namespace) -> None:
    folder = Path(tempfile.mkdtemp(prefix="web-bench-"))
    url = args.database_url or f"sqlite+aiosqlite:///{folder / 'bench.db'}"
    db = Database(url)
    await migrate.upgrade(db)
    data = provinces.load("phichit")
    async with db.write() as session:
        province = await ensure_province(session, data)
    now = datetime.now(UTC)
    async with db.read() as session:
        present = await session.scalar(select(func.count()).select_from(Incident))
    if args.reuse and present:
        print(f"reused the {present:,} incidents already in the database")
    else:
        started = time.perf_counter()
        await fill(db, args.incidents, now)
        print(f"filled {args.incidents:,} incidents in {time.perf_counter() - started:.0f} s")
    if db.engine.dialect.name == "postgresql":
        # What autovacuum does soon after a bulk load in production: without statistics the
        # planner guesses (e.g. a sort of every row for a page of 25).
        async with db.write() as session:
            await session.execute(sql_text("ANALYZE"))

    settings = Settings(_env_file=None, data_dir=folder)
    heap.settle()  # as `incident-bot run` does before serving (bot/heap.py)
    core = Core(db, SystemClock(), rules_of(settings), data, province.id, EventBus())
    app = create_app(core)
    async with server.running(app, "127.0.0.1", 0) as base:
        async with db.read() as session:
            governor = (
                await session.scalars(select(Person.id).where(Person.roster_id == "GOV"))
            ).one()
        link = await sessions.sign_in_link(core, governor, base)
        token = link.url.rsplit("/", 1)[1]
        async with httpx.AsyncClient(base_url=base, timeout=60) as client:
            confirm = await client.get(link.url)
            found = re.search(r'name="csrf" value="([^"]+)"', confirm.text)
            assert found is not None, "no sign-in form"
            csrf = found.group(1)
            await client.post("/login", data={"token": token, "csrf": csrf})
            listing = await client.get("/incidents", headers={"accept": "text/html"})
            references = re.findall(r'href="/incidents/(PCT-\d{4}-\d{5})"', listing.text)
            rng = random.Random(7)  # noqa: S311 - reproducible sample, not secrets
            async with db.read() as session:
                all_refs = list((await session.scalars(select(Incident.reference))).all())
            n = args.requests
            cases = {
                "list (page 1, newest first)": ["/incidents"] * n,
                "list, a later page": [f"/incidents?page={rng.randint(2, 400)}" for _ in range(n)],
                f"Thai substring search q={SEARCH}": [f"/incidents?q={SEARCH}"] * n,
                "search, no match": [f"/incidents?q={RARE}"] * n,
                f"search, 2 characters q={SHORT}": [f"/incidents?q={SHORT}"] * max(5, n // 4),
                "search + filters": [
                    f"/incidents?q={SEARCH}&district=6604&urgency=most_urgent" for _ in range(n)
                ],
                "incident page": [f"/incidents/{rng.choice(all_refs)}" for _ in range(n)],
                "statistics (all time)": ["/statistics"] * max(5, n // 2),
                "situation page": ["/situation"] * n,
                "situation, its live part": ["/situation?part=live"] * n,
            }
            assert references, "the list shows no incident"
            await timed(client, ["/incidents", "/statistics"])  # warm-up
            print(f"\n{'request':40} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
            for name, paths in cases.items():
                spent = await timed(client, paths)
                print(
                    f"{name:40} {len(spent):4d} {statistics.median(spent):8.1f} "
                    f"{percentile(spent, 0.95):8.1f} {percentile(spent, 0.99):8.1f}"
                )
    await db.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="time the incidents already in --database-url instead of filling it again",
    )
    asyncio.run(run(parser.parse_args(argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
