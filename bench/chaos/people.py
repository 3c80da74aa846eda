"""The people of the chaos run: a roster, invitations, and reporters who keep trying."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from incidents import provinces
from incidents.audit import CLI_ACTOR
from incidents.clock import SystemClock
from incidents.roster import csv as roster_csv
from incidents.roster import invites
from incidents.roster import people as roster
from incidents.roster.province import ensure_province
from storage import migrate
from storage.db import Database
from tests.fakes import FakeUser, SentMessage
from tests.support.harness import Driver, button_data
from tests.support.reporting import ReportAnswers, fill_report, has

FILED = "ส่งรายงานแล้ว"
ERROR_MARK = "ระบบขัดข้อง"  # from incidents.text.INTERNAL_ERROR


def roster_text(executives: int, reporters: int) -> str:
    """Executives and district-level reporters (fictional people)."""
    lines = ["id,name,position,agency,district,phone,roles"]
    for i in range(1, executives + 1):
        lines.append(
            f"E{i},นายผู้บริหาร ทดสอบ{i},รองผู้ว่าราชการจังหวัด,ศาลากลาง,,080-000-0{i:03d},executive"
        )
    for i in range(1, reporters + 1):
        code = f"66{(i - 1) % 12 + 1:02d}"
        lines.append(
            f"R{i:03d},นายผู้รายงาน ทดสอบ{i},นายอำเภอ,ที่ว่าการอำเภอ {i},{code},"
            f"081-{i // 1000:03d}-{i % 1000:04d},reporter"
        )
    return "\n".join(lines) + "\n"


async def prepare(url: str, executives: int, reporters: int) -> dict[str, str]:
    """Migrate, import the roster, invite everyone; return the invitation codes by roster id."""
    db = Database(url)
    clock = SystemClock()
    try:
        await migrate.upgrade(db)
        data = provinces.load("phichit")
        parsed = roster_csv.parse(roster_text(executives, reporters).encode(), data)
        assert not parsed.errors, parsed.errors
        codes: dict[str, str] = {}
        async with db.write() as session:
            province = await ensure_province(session, data)
            await roster.import_rows(
                session, province, parsed.rows, clock.now(), CLI_ACTOR, "chaos"
            )
            for row in parsed.rows:
                person = await roster.get_by_roster_id(session, province, row.roster_id)
                issued = await invites.issue(
                    session, person, clock.now(), timedelta(hours=2), CLI_ACTOR
                )
                codes[row.roster_id] = issued.code
        return codes
    finally:
        await db.dispose()


class PatientDriver(Driver):
    """A person who waits `patience` seconds for the bot (a restart takes a few)."""

    def __init__(self, api: object, patience: float) -> None:
        super().__init__(api)  # type: ignore[arg-type]
        self.patience = patience

    async def say(
        self,
        user: FakeUser,
        text: str,
        *,
        expect: Callable[[SentMessage], bool] | None = None,
        timeout: float = 10.0,  # noqa: ASYNC109 - the Driver's own signature
    ) -> SentMessage:
        found = await super().say(
            user, text, expect=_or_error(expect), timeout=max(timeout, self.patience)
        )
        return _unless_error(found, expect)

    async def press(
        self,
        user: FakeUser,
        message: SentMessage,
        data: str,
        *,
        expect: Callable[[SentMessage], bool] | None = None,
        timeout: float = 10.0,  # noqa: ASYNC109 - the Driver's own signature
    ) -> SentMessage:
        found = await super().press(
            user, message, data, expect=_or_error(expect), timeout=max(timeout, self.patience)
        )
        return _unless_error(found, expect)


def _or_error(expect: Callable[[SentMessage], bool] | None) -> Callable[[SentMessage], bool]:
    """`expect`, or the error notice: a person reading it stops waiting for the prompt."""
    return lambda m: ERROR_MARK in (m.text or "") or expect is None or expect(m)


def _unless_error(found: SentMessage, expect: Callable[[SentMessage], bool] | None) -> SentMessage:
    if ERROR_MARK in (found.text or "") and not (expect is not None and expect(found)):
        raise AssertionError("the bot answered with its error notice")
    return found


@dataclass
class ReporterLog:
    """What one reporter did: each attempt's tag and when its confirm was pressed."""

    user: FakeUser
    confirms: dict[str, list[float]] = field(default_factory=dict)  # tag -> press times
    filed: list[str] = field(default_factory=list)  # tags the reporter saw filed
    attempts: int = 0
    gave_up: int = 0


async def file_reports(
    driver: PatientDriver, log: ReporterLog, count: int, max_attempts: int
) -> None:
    """File `count` reports; a report whose conversation stalls is started again (/cancel)."""
    rid = log.user.first_name
    for number in range(count):
        for attempt in range(max_attempts):
            log.attempts += 1
            tag = f"chaos-{rid}-{number}-{attempt}"
            if attempt:
                try:
                    await driver.say(log.user, "/cancel")
                except (AssertionError, TimeoutError, ValueError):
                    continue
            if await _one_report(driver, log, tag):
                break
        else:
            log.gave_up += 1


async def _one_report(driver: PatientDriver, log: ReporterLog, tag: str) -> bool:
    answers = ReportAnswers(
        category="ความไม่สงบ",
        urgency="ด่วนที่สุด",
        ddpm="",
        pin=None,
        damage=None,
        photos=0,
        description=f"เหตุทดสอบความทนทานของระบบ รหัส {tag}",
    )
    try:
        review = await fill_report(driver, log.user, answers)
        mark = driver.api.mark()
        log.confirms.setdefault(tag, []).append(time.monotonic())
        driver.api.press_button(log.user, review, button_data(review, "ยืนยัน"))
        await driver.api.wait_for_message(log.user.id, has(FILED), driver.patience, since=mark)
    except (AssertionError, TimeoutError, ValueError, IndexError):
        return False
    log.filed.append(tag)
    return True
