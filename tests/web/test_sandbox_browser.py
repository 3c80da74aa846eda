"""Phones in headless Chromium over the in-test fake: pick two people, read the alert as
Telegram draws it, tap a button, type a reply, attach a sample and share a place, switch
phones; screenshots at phone width go to test-artifacts/sandbox/.

Needs Debian's chromium and a Thai font (scripts/setup-browser.sh); runs on SQLite and on
PostgreSQL, as the other browser tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.conftest import Site
from tests.web.phones_fake import GOVERNOR, REPORTER, FakePhones
from tests.web.test_browser import LAUNCH_ARGS, _skip_reason, _thai_fonts
from web.app import create_app
from web.server import running

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "sandbox"
PHONE = {"width": 390, "height": 844}
CHROMIUM = "/usr/bin/chromium"

pytestmark = pytest.mark.slow


async def test_a_reporter_and_the_governor_on_two_phones(site: Site, database_url: str):
    reason = _skip_reason(database_url)
    if reason:
        pytest.skip(reason)
    assert _thai_fonts(), "no Thai font: screenshots would show boxes (scripts/setup-browser.sh)"
    from playwright.async_api import async_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    phones = FakePhones()
    async with running(create_app(site.core, phones=phones), "127.0.0.1", 0) as url:
        phones.link_to(url)
        async with async_playwright() as p:
            browser = await p.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS
            )
            try:
                context = await browser.new_context(
                    viewport=PHONE, locale="th-TH", is_mobile=True, has_touch=True
                )
                page = await context.new_page()
                errors: list[str] = []
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda e: errors.append(str(e)))

                await page.goto(f"{url}/sandbox")
                assert "ไม่ได้เชื่อมต่อ Telegram" in await page.locator(".sandbox-banner").inner_text()
                await page.screenshot(path=ARTIFACTS / "1-choose.png", full_page=True)
                await page.locator(f"input[value='{REPORTER}']").check()
                await page.locator(f"input[value='{GOVERNOR}']").check()
                await page.get_by_role("button", name="เปิดโทรศัพท์").click()

                reporter = page.locator(f".phone[data-user='{REPORTER}']")
                governor = page.locator(f".phone[data-user='{GOVERNOR}']")
                alert = reporter.locator(".msg.in").first
                await alert.wait_for()
                assert await governor.is_hidden()  # one phone at a time at this width
                bold = await alert.locator("strong").inner_text()
                link = alert.locator("a.inline.url")
                assert await link.get_attribute("target") == "_blank"
                assert await link.get_attribute("href") == f"{url}/incidents"
                assert await reporter.locator(".keyboard .key").inner_text() == "แจ้งเหตุ"
                await page.screenshot(path=ARTIFACTS / "2-alert.png")

                await alert.get_by_role("button", name="รับทราบ").click()
                toast = reporter.locator(".toast")
                await toast.wait_for(state="visible")
                toast_text = await toast.inner_text()
                await alert.locator(".edited").wait_for()
                await page.screenshot(path=ARTIFACTS / "3-acknowledged.png")

                await alert.locator(".text").click()  # tap a message to reply to it
                await reporter.locator("textarea").fill("รับทราบ กำลังลงพื้นที่")
                await reporter.locator("textarea").press("Enter")
                mine = reporter.locator(".msg.out").first
                await mine.wait_for()
                quote = await mine.locator(".quote").inner_text()
                await reporter.locator(".msg.in em").wait_for()

                await reporter.locator(".extras summary").click()
                await reporter.get_by_role("button", name="แนบและส่ง").click()
                await reporter.locator(".msg.out img.photo").wait_for()
                await page.wait_for_function(
                    "() => { const i = document.querySelector('.msg.out img.photo');"
                    " return i && i.complete && i.naturalWidth > 0; }",
                    timeout=10_000,
                )
                await reporter.locator("select[name=place]").select_option("6604")
                await reporter.get_by_role("button", name="ส่งตำแหน่ง").click()
                where = reporter.locator(".msg.out .where strong")
                await where.wait_for()
                place = await where.inner_text()
                await page.screenshot(path=ARTIFACTS / "4-replied.png")

                await page.get_by_role("button", name="ผู้ว่าราชการจังหวัดพิจิตร").click()
                await governor.locator(".msg.in").first.wait_for()
                assert await reporter.is_hidden()
                rich = governor.locator(".msg.in").nth(1)
                drawn = {
                    tag: await rich.locator(tag).first.inner_text()
                    for tag in ["strong", "strong em", "u", "s", "code", "blockquote"]
                }
                links = await rich.locator("a").evaluate_all("as => as.map(a => a.href)")
                spoiler = rich.locator(".spoiler")
                await spoiler.click()
                spoiler_class = await spoiler.get_attribute("class")
                await page.screenshot(path=ARTIFACTS / "5-governor.png")

                await rich.get_by_role("button", name="ปิดเหตุการณ์").click()
                box = governor.locator(".alertbox")
                await box.wait_for(state="visible")
                alert_text = await box.locator(".alert-text").inner_text()
                await page.screenshot(path=ARTIFACTS / "6-alert-box.png")
                await box.get_by_role("button", name="ตกลง").click()
                await box.wait_for(state="hidden")

                wide = await browser.new_page(viewport={"width": 1280, "height": 900})
                wide.on("pageerror", lambda e: errors.append(str(e)))
                await wide.goto(f"{url}/sandbox/phones?who={REPORTER}&who={GOVERNOR}")
                await wide.locator(f".phone[data-user='{GOVERNOR}'] .msg").first.wait_for()
                assert await wide.locator(".alertbox:visible, .toast:visible").count() == 0
                side_by_side = await wide.locator(".phone").evaluate_all(
                    "ps => ps.map(p => p.getBoundingClientRect().top)"
                )
                await wide.screenshot(path=ARTIFACTS / "7-desktop.png")
                width = await page.evaluate("document.documentElement.scrollWidth")
            finally:
                await browser.close()

    assert bold == "🚨 เหตุด่วน"  # UTF-16 offsets: the emoji counts two
    assert toast_text == "บันทึกการรับทราบแล้ว"
    assert quote.startswith("🚨 เหตุด่วน อุทกภัย")
    assert place == "📍 ที่ว่าการอำเภอตะพานหิน"
    assert phones.done[:2] == [
        ("press", REPORTER, 10, "ack:1"),
        ("text", REPORTER, "รับทราบ กำลังลงพื้นที่", 10),
    ]
    assert drawn == {
        "strong": "ตัวหนา เอียง",
        "strong em": "เอียง",
        "u": "ขีดเส้นใต้",
        "s": "ขีดฆ่า",
        "code": "<script>alert(1)</script>",  # shown as text, never run
        "blockquote": "ยกข้อความ",
    }
    assert links == ["https://example.org/"]  # a javascript: link stays plain text
    assert "shown" in (spoiler_class or "")
    assert alert_text == "ปิดเหตุการณ์เรียบร้อยแล้ว"
    assert len(side_by_side) == 2 and side_by_side[0] == side_by_side[1]
    assert width <= PHONE["width"]  # nothing wider than the phone
    assert not errors, errors  # nothing blocked by the CSP, no script error
