"""/web and the web log served by the bot's own process: from a link in Telegram to the pages,
and from an alert to its incident's page."""

from __future__ import annotations

import html
import re

import httpx
from sqlalchemy import select

from storage.models import AuditAction, AuditEvent
from tests.support.harness import Harness
from tests.support.reporting import ReportAnswers, alerts_in, file_report, has
from tests.web.conftest import HTML, csrf_of

LINK_RE = re.compile(r"(https?://\S+/login/[A-Za-z0-9_-]+)")
PUBLIC = "https://incident.example.go.th"


async def web_link(bot: Harness, user) -> str:
    """Ask the bot for a sign-in link and return it."""
    reply = await bot.say(user, "/web", expect=has("ลิงก์เข้าสู่เว็บ"))
    found = LINK_RE.search(reply.text)
    assert found, reply.text
    assert "ใช้ได้ครั้งเดียว ภายใน 10 นาที (ถึง 14.10 น.)" in reply.text
    return found.group(1)


async def sign_in(client: httpx.AsyncClient, link: str) -> httpx.Response:
    """Open the link in a browser and confirm."""
    page = await client.get(link, headers=HTML)
    assert page.status_code == 200, page.text
    token = link.rsplit("/", 1)[1]
    return await client.post("/login", data={"token": token, "csrf": csrf_of(page.text)})


async def test_a_link_from_the_bot_opens_the_web_log_served_by_the_same_process(bot: Harness):
    executives = await bot.join_executives()
    reporter = await bot.join(2001, "D6604")
    await file_report(bot, reporter, ReportAnswers(photos=1))
    await bot.drain()

    link = await web_link(bot, executives[0])
    assert link.startswith(bot.runtime.web_url + "/login/")
    async with httpx.AsyncClient(base_url=bot.runtime.web_url) as browser:
        answer = await sign_in(browser, link)
        listing = await browser.get("/incidents", headers=HTML)
        detail = await browser.get("/incidents/PCT-2569-0001", headers=HTML)
        photo = await browser.get("/incidents/PCT-2569-0001/files/1")

    assert answer.status_code == 303
    assert "PCT-2569-0001" in listing.text
    assert "น้ำจากแม่น้ำน่านล้นตลิ่ง" in detail.text
    assert "นายสมมติ ตัวอย่างดี" in detail.text  # the governor received the alert
    assert photo.status_code == 200 and photo.content.startswith(b"\x89PNG")
    async with bot.runtime.db.read() as session:
        issued = await session.scalar(
            select(AuditEvent).where(AuditEvent.action == AuditAction.WEB_LINK_ISSUED)
        )
    assert issued.source == "telegram"


async def test_every_role_may_ask_for_a_link(bot: Harness):
    for user_id, roster_id in ((3001, "D6601"), (3002, "ADMIN1"), (3003, "GOV")):
        user = await bot.join(user_id, roster_id)
        assert (await web_link(bot, user)).startswith("http://127.0.0.1:")


async def test_web_appears_in_the_command_menu_for_everyone():
    from bot.commands import for_roles
    from storage.models import Role

    for role in Role:
        assert "web" in [c.name for c in for_roles(frozenset({role}))]


async def test_a_stranger_gets_no_link(bot: Harness):
    stranger = bot.api.add_user(6001, "ไม่รู้จัก")

    reply = await bot.say(stranger, "/web")

    assert "ยังไม่อยู่ในทะเบียน" in reply.text
    assert not LINK_RE.search(reply.text)


async def test_no_link_is_posted_in_a_group(bot: Harness):
    governor = await bot.join(1001, "GOV")
    bot.api.add_group(-100555, "กลุ่มทดสอบ")
    mark = bot.api.mark()

    bot.api.send_text(governor, "/web", chat_id=-100555)
    # The answer goes through the outbox: wait for it, not for the Bot API to be quiet.
    await bot.api.wait_for_message(-100555, lambda m: m.seq > mark, timeout=10)
    await bot.drain()

    said = [m.text for m in bot.api.sent_messages(-100555) if m.seq > mark]
    assert said == ["ลิงก์เข้าสู่เว็บส่งได้เฉพาะในแชตส่วนตัวกับบอท กรุณาพิมพ์ /web ในแชตส่วนตัว"]
    assert not any(LINK_RE.search(text or "") for text in said)


async def test_alerts_link_to_the_incidents_page_when_the_public_address_is_set(
    fake_api, settings, clock
):
    from tests.support.harness import running

    settings.public_base_url = PUBLIC
    async with running(fake_api, settings, clock) as bot:
        await bot.import_roster()
        executives = await bot.join_executives()
        reporter = await bot.join(2001, "D6604")
        await file_report(bot, reporter, ReportAnswers(photos=0))
        await bot.drain()
        link = await web_link(bot, executives[0])
        [alert] = alerts_in(bot, executives[0].id, "PCT-2569-0001")

    urls = [b["url"] for b in alert.buttons if "url" in b]
    labels = [b["text"] for b in alert.buttons if "url" in b]
    assert urls == [f"{PUBLIC}/incidents/PCT-2569-0001"]
    assert labels == ["🌐 เปิดในเว็บ"]
    assert link.startswith(f"{PUBLIC}/login/")


async def test_with_the_web_log_off_web_says_so(fake_api, settings, clock):
    from tests.support.harness import running

    settings.web_port = None
    async with running(fake_api, settings, clock) as bot:
        await bot.import_roster()
        governor = await bot.join(1001, "GOV")
        reply = await bot.say(governor, "/web")
        assert bot.runtime.web_url == ""

    assert "ยังไม่เปิดใช้งาน" in reply.text


XSS = '<script>alert(1)</script> "><img src=x onerror=alert(2)> &amp; <b>หนา</b>'


async def test_html_in_every_free_text_field_is_escaped_in_telegram_and_on_the_web(bot: Harness):
    executives = await bot.join_executives()
    reporter = await bot.join(2001, "D6604")
    answers = ReportAnswers(
        place=f"บ้านวังหลุม {XSS}",
        description=f"น้ำท่วม {XSS}",
        damage=f"ถนนขาด {XSS}",
        photos=0,
    )
    filed = await file_report(bot, reporter, answers)
    await bot.drain()

    # Telegram shows the text exactly as typed: it was escaped for HTML parse mode.
    [alert] = alerts_in(bot, executives[0].id, "PCT-2569-0001")
    for shown in (alert.text, filed.text):
        assert f"บ้านวังหลุม {XSS}" in shown
        assert f"น้ำท่วม {XSS}" in shown
        assert f"ถนนขาด {XSS}" in shown
    assert html.escape(XSS) in alert.raw_text

    link = await web_link(bot, executives[0])
    async with httpx.AsyncClient(base_url=bot.runtime.web_url) as browser:
        await sign_in(browser, link)
        pages = [
            await browser.get("/incidents", headers=HTML),
            await browser.get("/incidents/PCT-2569-0001", headers=HTML),
        ]
    for page in pages:
        assert "<script>alert(1)</script>" not in page.text
        assert "<img src=x" not in page.text
        assert "<b>หนา</b>" not in page.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "&amp;amp;" in pages[1].text  # "&amp;" typed by the reporter, shown as typed
