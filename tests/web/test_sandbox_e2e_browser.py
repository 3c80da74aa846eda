"""The sandbox from a clean start, in headless Chromium at phone width: a district chief files
a report through every step on their phone, the Governor acknowledges it and sends an
instruction from his, and the instruction shows on the reporter's phone; the Deputy Governor on
LINE only sees the alert as LINE's card and the Governor's acknowledgement. The program is the
real `incident-bot sandbox`; screenshots go to test-artifacts/sandbox-e2e/.

Needs Debian's chromium and a Thai font (scripts/setup-browser.sh); runs on SQLite and on
PostgreSQL (TEST_DATABASE_URL).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.sandbox.people import sample_people
from tests.support.sandbox import sandbox
from tests.web.test_browser import CHROMIUM, LAUNCH_ARGS, _thai_fonts

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "sandbox-e2e"
PHONE = {"width": 390, "height": 844}
STEP_MS = 30_000
INSTRUCTION = "ให้ประสาน ปภ. จัดเรือท้องแบน 2 ลำ และเปิดศูนย์พักพิงที่วัดเขาทราย"

pytestmark = pytest.mark.slow


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return "no /usr/bin/chromium: scripts/setup-browser.sh could not install it"
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing (pip install -e .[dev])"
    return None


async def test_a_report_from_a_district_chief_to_the_governor_and_back(
    tmp_path: Path, database_url: str
):
    reason = _missing()
    if reason:
        pytest.skip(reason)
    assert _thai_fonts(), "no Thai font: screenshots would show boxes (scripts/setup-browser.sh)"
    from playwright.async_api import Locator, async_playwright, expect

    people = {p.row.roster_id: p for p in sample_people("phichit")}
    # A district chief whose phone holds no sample report.
    chief, governor = people["D6608"], people["GOV"]
    [deputy] = [p for p in people.values() if not p.on_telegram]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    url = "" if database_url.startswith("sqlite") else database_url
    with sandbox(tmp_path, url) as running:
        async with async_playwright() as p:
            browser = await p.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS
            )
            try:
                context = await browser.new_context(
                    viewport=PHONE, locale="th-TH", is_mobile=True, has_touch=True
                )
                page = await context.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda e: errors.append(str(e)))
                shot = 0

                async def screenshot(name: str) -> None:
                    nonlocal shot
                    shot += 1
                    await page.screenshot(path=ARTIFACTS / f"{shot:02d}-{name}.png")

                await page.goto(f"{running.url}/sandbox")
                assert "ไม่ได้เชื่อมต่อ Telegram" in await page.locator(".sandbox-banner").inner_text()
                await page.screenshot(path=ARTIFACTS / "00-choose.png", full_page=True)
                await page.locator(f"input[value='{chief.user_id}']").check()
                await page.locator(f"input[value='{governor.user_id}']").check()
                await page.locator(f"input[value='{deputy.line_phone}']").check()
                await page.get_by_role("button", name="เปิดโทรศัพท์").click()

                reporter = page.locator(f".phone[data-user='{chief.user_id}']")
                gov = page.locator(f".phone[data-user='{governor.user_id}']")
                # The roster lists the Governor first, so his phone opens first.
                await page.locator(f"button[data-show='{chief.user_id}']").click()
                await reporter.locator(".msg.in").first.wait_for()

                async def newest(phone: Locator) -> int:
                    ids = await phone.locator(".msg").evaluate_all(
                        "ms => ms.map(m => Number(m.dataset.id))"
                    )
                    return max(ids, default=0)

                async def bot_says(phone: Locator, text: str, after: int = 0) -> Locator:
                    """The bot's newest message with `text`, sent after message `after`."""
                    for _ in range(STEP_MS // 100):
                        ids = await phone.locator(".msg.in", has_text=text).evaluate_all(
                            "ms => ms.map(m => Number(m.dataset.id))"
                        )
                        if any(i > after for i in ids):
                            return phone.locator(f".msg.in[data-id='{max(ids)}']")
                        await page.wait_for_timeout(100)
                    raise AssertionError(f"the bot never said {text!r}")

                async def type_in(phone: Locator, text: str, expect: str) -> Locator:
                    after = await newest(phone)
                    await phone.locator("textarea").fill(text)
                    await phone.locator("textarea").press("Enter")
                    return await bot_says(phone, expect, after)

                async def tap(phone: Locator, label: str, expect: str) -> Locator:
                    after = await newest(phone)
                    await phone.locator(".msg.in").get_by_role("button", name=label).last.click()
                    return await bot_says(phone, expect, after)

                await type_in(reporter, "/report", "ประเภทใด")
                await screenshot("report-started")
                await tap(reporter, "อุทกภัย", "ความเร่งด่วน")
                await tap(reporter, "ด่วนที่สุด", "เกณฑ์ ปภ.")
                await tap(reporter, "ระดับ 2", "อำเภอใด")
                await tap(reporter, "ทับคล้อ", "พิมพ์สถานที่เกิดเหตุ")
                await type_in(reporter, "บ้านเขาทราย หมู่ 5 ต.เขาทราย", "ส่งตำแหน่งปัจจุบัน")
                await screenshot("asked-for-location")
                await reporter.locator(".extras summary").click()
                await reporter.locator("select[name=place]").select_option(chief.row.district_code)
                after = await newest(reporter)
                await reporter.get_by_role("button", name="ส่งตำแหน่ง", exact=True).click()
                await bot_says(reporter, "เวลาเกิดเหตุ", after)
                await reporter.locator(".extras summary").click()  # folded away again
                await tap(reporter, "เพิ่งเกิด", "พิมพ์ราย")
                await type_in(
                    reporter,
                    "น้ำจากแม่น้ำน่านล้นตลิ่งเข้าท่วมบ้านเรือน ระดับน้ำสูง 80 ซม. กำลังอพยพ",
                    "ผู้ได้รับผลกระทบ",
                )
                await type_in(reporter, "เสียชีวิต 0 บาดเจ็บ 2 ครัวเรือน 45", "ความเสียหาย")
                await type_in(reporter, "ถนนในหมู่บ้านถูกน้ำท่วม สัญจรไม่ได้", "รูปภาพและไฟล์")
                if not await reporter.locator(".extras[open]").count():
                    await reporter.locator(".extras summary").click()
                after = await newest(reporter)
                await reporter.get_by_role("button", name="แนบและส่ง").click()
                await bot_says(reporter, "ได้รับแล้ว", after)
                await reporter.locator(".extras summary").click()
                await screenshot("photo-attached")
                review = await tap(reporter, "เสร็จสิ้น", "ตรวจสอบรายงาน")
                await review.scroll_into_view_if_needed()
                await screenshot("review")
                filed = await tap(reporter, "ยืนยัน", "ส่งรายงานแล้ว")
                found = re.search(r"PCT-\d{4}-\d{4,}", await filed.inner_text())
                assert found is not None
                reference = found.group(0)
                await screenshot("filed")

                await page.locator(f"button[data-show='{governor.user_id}']").click()
                await bot_says(gov, reference)
                # The alert is the message of that reference with the button to acknowledge.
                ack = page.get_by_role("button", name="รับทราบ")
                alert = gov.locator(".msg.in", has_text=reference).filter(has=ack).last
                alert = gov.locator(f".msg.in[data-id='{await alert.get_attribute('data-id')}']")
                await alert.scroll_into_view_if_needed()
                assert await reporter.is_hidden()  # one phone at a time at this width
                await screenshot("governor-alerted")
                await alert.get_by_role("button", name="รับทราบ").click()
                # The alert is edited to say who acknowledged it.
                await expect(alert).not_to_contain_text("รอการรับทราบ", timeout=STEP_MS)
                box = gov.locator(".alertbox")
                await box.wait_for(state="visible", timeout=STEP_MS)
                popup = await box.locator(".alert-text").inner_text()
                await screenshot("governor-acknowledged")
                await box.get_by_role("button", name="ตกลง").click()
                await box.wait_for(state="hidden")
                await alert.locator(".text").click()  # tap the alert to reply to it
                # Taken first: the reporter may get the instruction before its sender hears so.
                after = await newest(reporter)
                await type_in(gov, INSTRUCTION, "ส่งข้อสั่งการ")
                await screenshot("instruction-sent")

                await page.locator(f"button[data-show='{chief.user_id}']").click()
                instruction = await bot_says(reporter, INSTRUCTION, after)
                told = await instruction.inner_text()
                await instruction.scroll_into_view_if_needed()
                await screenshot("instruction-received")

                await page.locator(f"button[data-show='{deputy.line_phone}']").click()
                on_line = page.locator(f".phone[data-user='{deputy.line_phone}']")
                card = on_line.locator(".fx-bubble", has_text=reference)
                header = card.locator(".fx-header .fx-box")
                colour = await header.evaluate("e => getComputedStyle(e).backgroundColor")
                await bot_says(on_line, f"{governor.row.name}")  # the acknowledgement notice
                await card.scroll_into_view_if_needed()
                await screenshot("line-card")
                width = await page.evaluate("document.documentElement.scrollWidth")
            finally:
                await browser.close()
        assert running.stop() < 5.0

    assert popup == "รับทราบแล้ว ขอบคุณ"
    assert "ข้อสั่งการ" in told and reference in told
    assert governor.row.name in told
    assert colour == "rgb(198, 40, 40)"  # the card's header in its urgency's colour (#C62828)
    assert width <= PHONE["width"]
    assert not errors, errors
