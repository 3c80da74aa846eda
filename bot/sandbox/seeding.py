"""A fresh sandbox made ready: the sample roster imported, everyone joined by their invitation
(on Telegram, on LINE, or on both), and a few sample reports filed, all through the real
program as the simulated users."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.sandbox import samples
from bot.sandbox.line_phones import LinePhones
from bot.sandbox.people import SAMPLE_ROSTER, SandboxPerson
from incidents.audit import CLI_ACTOR
from incidents.core import Core
from incidents.roster import admin
from incidents.text import sandbox as texts
from simulator.line import FakeLinePlatform
from simulator.line import SentMessage as LineMessage
from simulator.telegram import FakeBotAPI, SentMessage

log = logging.getLogger(__name__)
STEP_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class SampleReport:
    """What a sample reporter answers, step by step, with the labels of the buttons pressed."""

    reporter: str
    category: str
    urgency: str
    ddpm: str
    district: str
    place: str
    pin: tuple[float, float]
    description: str
    impact: str
    damage: str


SAMPLE_REPORTS = (
    SampleReport(
        reporter="D6604",
        category="อุทกภัย",
        urgency="ด่วนที่สุด",
        ddpm="ระดับ 2",
        district="ตะพานหิน",
        place=f"{texts.SAMPLE_MARK} บ้านวังหลุม หมู่ 3 ต.วังหลุม ริมแม่น้ำน่าน",
        pin=(16.2137, 100.4537),
        description=f"{texts.SAMPLE_MARK} น้ำจากแม่น้ำน่านล้นตลิ่งเข้าท่วมบ้านเรือน "
        "ระดับน้ำสูง 80 ซม. กำลังอพยพผู้สูงอายุ",
        impact="เสียชีวิต 0 บาดเจ็บ 2 ครัวเรือน 45",
        damage="ถนนในหมู่บ้านถูกน้ำท่วม สัญจรไม่ได้",
    ),
    SampleReport(
        reporter="D6601",
        category="อัคคีภัย",
        urgency="ด่วนมาก",
        ddpm="ระดับ 1",
        district="เมืองพิจิตร",
        place=f"{texts.SAMPLE_MARK} ตลาดสดเทศบาลเมืองพิจิตร",
        pin=(16.4419, 100.3488),
        description=f"{texts.SAMPLE_MARK} เพลิงไหม้แผงค้าในตลาดสด 3 แผง "
        "ดับเพลิงได้แล้ว อยู่ระหว่างตรวจสอบสาเหตุ",
        impact="เสียชีวิต 0 บาดเจ็บ 0 ครัวเรือน 3",
        damage="แผงค้าเสียหาย 3 แผง",
    ),
)


def _has(text: str) -> Callable[[SentMessage], bool]:
    return lambda message: text in (message.text or "")


def _data(message: SentMessage, label: str) -> str:
    for button in message.buttons:
        if label in button.get("text", ""):
            return str(button["callback_data"])
    raise LookupError(f"no button {label!r} on the bot's message")


class _Phone:
    """One simulated user going through a conversation with the bot."""

    def __init__(self, api: FakeBotAPI, user_id: int) -> None:
        self.api, self.user_id = api, user_id

    async def _after(self, act: Callable[[], object], expect: str) -> SentMessage:
        mark = self.api.mark()
        act()
        return await self.api.wait_for_message(
            self.user_id, _has(expect), STEP_TIMEOUT_S, since=mark
        )

    async def say(self, text: str, expect: str) -> SentMessage:
        return await self._after(lambda: self.api.send_text(self.user_id, text), expect)

    async def press(self, message: SentMessage, label: str, expect: str) -> SentMessage:
        data = _data(message, label)
        return await self._after(lambda: self.api.press_button(self.user_id, message, data), expect)

    async def locate(self, pin: tuple[float, float], expect: str) -> SentMessage:
        return await self._after(lambda: self.api.send_location(self.user_id, *pin), expect)

    async def photo(self, data: bytes, expect: str) -> SentMessage:
        return await self._after(lambda: self.api.send_photo(self.user_id, data), expect)


async def _codes(core: Core, people: Sequence[SandboxPerson], bot_username: str) -> dict[str, str]:
    """A fresh invitation code for each person, by roster id (earlier ones stop working)."""
    choice = admin.InviteChoice(roster_ids=[person.row.roster_id for person in people])
    lines = await admin.invite(core, choice, bot_username, CLI_ACTOR)
    return {line.issued.person.roster_id: line.issued.code for line in lines}


async def import_and_join(core: Core, api: FakeBotAPI, people: Sequence[SandboxPerson]) -> None:
    """Import the sample roster, then each person on Telegram sends the bot `/start` with
    their code."""
    await admin.import_roster(core, [p.row for p in people], SAMPLE_ROSTER.name, CLI_ACTOR)
    on_telegram = [person for person in people if person.on_telegram]
    codes = await _codes(core, on_telegram, api.bot_username)
    for person in on_telegram:
        api.add_user(person.user_id, *_first_and_last(person.row.name))

    async def join(person: SandboxPerson) -> None:
        phone = _Phone(api, person.user_id)
        await phone.say(f"/start {codes[person.row.roster_id]}", "ยินดีต้อนรับ")

    await asyncio.gather(*(join(person) for person in on_telegram))
    log.info("sandbox: %d people joined on Telegram", len(on_telegram))


async def join_on_line(
    core: Core,
    line: FakeLinePlatform,
    phones: LinePhones,
    people: Sequence[SandboxPerson],
    bot_username: str,
) -> None:
    """Each person with a LINE phone adds the Official Account and types a new code of theirs
    (LINE has no /start link), as the README tells them to."""
    on_line = [person for person in people if person.line_phone is not None]
    codes = await _codes(core, on_line, bot_username)

    async def join(person: SandboxPerson) -> None:
        assert person.line_phone is not None
        mark = line.mark()
        user = phones.add_user(person.line_phone)
        await line.wait_for_message(user, since=mark, timeout=STEP_TIMEOUT_S)  # the greeting
        mark = line.mark()
        await phones.send_text(person.line_phone, codes[person.row.roster_id])
        welcomed = _has_line("ยินดีต้อนรับ")
        await line.wait_for_message(user, welcomed, since=mark, timeout=STEP_TIMEOUT_S)

    await asyncio.gather(*(join(person) for person in on_line))
    log.info("sandbox: %d people joined on LINE", len(on_line))


def _has_line(text: str) -> Callable[[LineMessage], bool]:
    return lambda message: text in message.text


def _first_and_last(name: str) -> tuple[str, str | None]:
    first, _, last = name.partition(" ")
    return first, last or None


async def file_samples(api: FakeBotAPI, people: Sequence[SandboxPerson]) -> None:
    """File the sample reports through the whole conversation, as their reporters."""
    by_roster_id = {p.row.roster_id: p for p in people if p.on_telegram}
    photo = samples.content(samples.SAMPLES[0])
    for report in SAMPLE_REPORTS:
        await _file(_Phone(api, by_roster_id[report.reporter].user_id), report, photo)
    log.info("sandbox: %d sample reports filed", len(SAMPLE_REPORTS))


async def _file(phone: _Phone, a: SampleReport, photo: bytes) -> None:
    prompt = await phone.say("/report", "ประเภทใด")
    prompt = await phone.press(prompt, a.category, "ความเร่งด่วน")
    prompt = await phone.press(prompt, a.urgency, "ระดับสาธารณภัย")
    prompt = await phone.press(prompt, a.ddpm, "อำเภอใด")
    prompt = await phone.press(prompt, a.district, "สถานที่เกิดเหตุ")
    await phone.say(a.place, "ส่งตำแหน่งปัจจุบัน")
    prompt = await phone.locate(a.pin, "เวลาเกิดเหตุ")
    prompt = await phone.press(prompt, "เพิ่งเกิด", "รายละเอียด")
    await phone.say(a.description, "ผู้ได้รับผลกระทบ")
    await phone.say(a.impact, "ความเสียหาย")
    await phone.say(a.damage, "รูปภาพและไฟล์")
    prompt = await phone.photo(photo, "ได้รับแล้ว")
    review = await phone.press(prompt, "เสร็จสิ้น", "ตรวจสอบรายงาน")
    await phone.press(review, "ยืนยัน", "ส่งรายงานแล้ว")
