"""The people of the chaos run: a roster, invitations, and reporters who keep trying."""

from __future__ import annotations

import asyncio
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


# A step's question (incidents/text/report.py) and what the reporter answers to it: a button
# label to press, or text to send. Checked in this order: the review repeats the answers.
STEPS: list[tuple[str, str, str]] = [
    ("ตรวจสอบรายงานก่อนส่ง", "press", "ยืนยัน"),
    ("ส่งรูปภาพ เอกสาร", "press", "เสร็จสิ้น"),
    ("พิมพ์สรุปความเสียหาย", "press", "ข้าม"),
    ("พิมพ์ตัวเลขที่ทราบ", "say", "เสียชีวิต 0 บาดเจ็บ 2 ครัวเรือน 45"),
    ("พิมพ์รายละเอียดว่าเกิดอะไรขึ้น", "say", "{description}"),
    ("เลือกจากปุ่ม หรือพิมพ์เวลา", "press", "เพิ่งเกิด"),
    ("ส่งตำแหน่งปัจจุบัน", "say", "ข้าม"),
    ("พิมพ์สถานที่เกิดเหตุ", "say", "บ้านวังหลุม หมู่ 3 ต.วังหลุม"),
    ("เหตุเกิดในอำเภอใด", "press", "ตะพานหิน"),
    ("เลือกระดับตามเกณฑ์ ปภ.", "press", "ยังไม่ทราบ"),
    ("เลือกระดับความเร่งด่วน", "press", "ด่วนที่สุด"),
    ("ประเภทใด", "press", "ความไม่สงบ"),
]


async def _one_report(driver: PatientDriver, log: ReporterLog, tag: str) -> bool:
    """Answer whatever the bot last asked, as a person reading the chat would, until filed.

    When the bot stays silent or its last prompt can't be answered (an error notice, a
    button gone), the reporter sends /report, which resumes the open draft.
    """
    api, user = driver.api, log.user
    mark = api.mark()
    typed, refiled = tag, 0  # the tag of the draft's description; new drafts after a confirm
    last = api.mark()
    api.send_text(user, "/report")
    for _ in range(40):
        if not await _wait_new(driver, user.id, last):
            last = api.mark()
            api.send_text(user, "/report")
            continue
        messages = api.sent_messages(user.id, since=mark)
        if any(FILED in (m.text or "") for m in messages):
            log.filed.append(typed)
            return True
        step = next(
            (
                (m, kind, answer)
                for m in reversed(messages)
                for question, kind, answer in STEPS
                if question in (m.text or "")
            ),
            None,
        )
        last = api.mark()
        if step is None or ERROR_MARK in (messages[-1].text or ""):
            api.send_text(user, "/report")
            continue
        message, kind, answer = step
        if kind == "say":
            typed = tag if not refiled else f"{tag}r{refiled}"
            api.send_text(user, answer.format(description=f"เหตุทดสอบความทนทานของระบบ รหัส {typed}"))
            continue
        try:
            data = button_data(message, answer)
        except AssertionError:
            api.send_text(user, "/report")
            continue
        if answer == "ยืนยัน":
            # A draft typed after this confirm (the reporter never saw "filed") is a new one.
            log.confirms.setdefault(typed, []).append(time.monotonic())
            refiled += 1
        try:
            api.press_button(user, message, data)
        except ValueError:
            api.send_text(user, "/report")
    return False


async def _wait_new(driver: PatientDriver, chat: int, since: int) -> bool:
    """Wait up to the driver's patience for a bot message after `since`."""
    try:
        await driver.api.wait_for_message(chat, None, driver.patience, since=since)
    except AssertionError:
        return False
    # Let the rest of the bot's answer (e.g. a prompt after an edit) arrive.
    await asyncio.sleep(0.3)
    return True
