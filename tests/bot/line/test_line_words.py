"""What a member types on LINE in place of Telegram's commands: เหตุที่เปิดอยู่ lists the open
incidents, เว็บ sends a single-use sign-in link (only where the web log is published), and
anything else gets the help, which names every word."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from bot.settings import Settings
from simulator.line import FakeLinePlatform
from storage.models import AuditAction, AuditEvent
from tests.bot.line.conftest import Outcomes
from tests.bot.line.test_alerts_on_line import REFERENCE, file_from_telegram, join_on_line
from tests.support.harness import Harness

PUBLIC = "https://incidents.phichit.example"


async def said_back(line: FakeLinePlatform, user, text: str, expect: str) -> str:
    """The bot's first answer to `text` holding `expect`."""
    before = [m.seq for m in line.sent_messages(user.user_id)]
    line.send_text(user, text)
    reply = await line.wait_for_message(
        user, lambda m: expect in m.text, timeout=10, since=max(before, default=0)
    )
    return reply.text


async def test_the_open_list_and_the_help(
    live: Harness, line: FakeLinePlatform, outcomes: Outcomes
):
    governor = await join_on_line(live, line, outcomes, "GOV")
    nothing = await said_back(line, governor, "เหตุที่เปิดอยู่", "ไม่มีเหตุการณ์")
    assert nothing == "ไม่มีเหตุการณ์ที่ยังเปิดอยู่"
    await file_from_telegram(live)
    listed = await said_back(line, governor, "/open", REFERENCE)
    assert "รอรับทราบ" in listed and "บ้านวังหลุม" in listed
    helped = await said_back(line, governor, "สวัสดีครับ", "พิมพ์ เว็บ")
    assert all(word in helped for word in ("เหตุที่เปิดอยู่", "ช่องทาง"))


async def test_without_a_published_web_log_there_is_no_link(
    live: Harness, line: FakeLinePlatform, outcomes: Outcomes
):
    governor = await join_on_line(live, line, outcomes, "GOV")
    assert "ยังไม่เปิดใช้งาน" in await said_back(line, governor, "เว็บ", "เว็บบันทึกเหตุการณ์")


class TestPublished:
    @pytest.fixture
    def line_settings(self, line_settings: Settings) -> Settings:
        line_settings.public_base_url = PUBLIC
        return line_settings

    async def test_the_web_word_sends_a_link_that_signs_in_once(
        self, live: Harness, line: FakeLinePlatform, outcomes: Outcomes
    ):
        governor = await join_on_line(live, line, outcomes, "GOV")
        text = await said_back(line, governor, "เว็บ", "ลิงก์เข้าสู่เว็บบันทึกเหตุการณ์")
        [url] = [word for word in text.split() if word.startswith(f"{PUBLIC}/login/")]
        async with httpx.AsyncClient(base_url=live.runtime.web_url) as client:
            page = await client.get(url.removeprefix(PUBLIC), headers={"Accept": "text/html"})
        assert page.status_code == 200 and "เข้าสู่ระบบ" in page.text
        async with live.runtime.db.read() as session:
            issued = await session.scalar(
                select(AuditEvent).where(AuditEvent.action == AuditAction.WEB_LINK_ISSUED)
            )
        gov = await live.person("GOV")
        assert issued is not None
        assert (issued.actor_person_id, issued.source) == (gov.id, "line")
