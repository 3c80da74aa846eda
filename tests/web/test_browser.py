"""A person with a phone: headless Chromium signs in through a link from the bot, filters the
list, opens an incident and downloads the CSV; screenshots go to test-artifacts/web/.

Needs Debian's chromium and a Thai font (scripts/setup-browser.sh installs both); runs on
SQLite and on PostgreSQL (TEST_DATABASE_URL), as every database test does.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from storage.models import Category, Urgency
from tests.support.harness import Harness
from tests.support.incidents import Spec, add_incident
from tests.support.reporting import ReportAnswers, file_report, has

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "web"
CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PHONE = {"width": 412, "height": 915}
DESKTOP = {"width": 1366, "height": 900}

pytestmark = pytest.mark.slow


def _skip_reason(database_url: str) -> str | None:
    if not CHROMIUM.exists():
        return "no /usr/bin/chromium: scripts/setup-browser.sh could not install it"
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing (pip install -e .[dev])"
    return None


# Where the incident page's timeline and details begin, from the top of the document.
PARTS_TOP = (
    "['timeline', 'details'].map(p => document.querySelector('.part-' + p)"
    ".getBoundingClientRect().top + window.scrollY)"
)


def _thai_fonts() -> str:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return ""
    found = subprocess.run(
        [fc_list, ":lang=th", "family"], capture_output=True, text=True, check=False
    )
    return found.stdout.strip()


async def test_sign_in_from_the_bot_filter_open_and_download(bot: Harness, database_url: str):
    reason = _skip_reason(database_url)
    if reason:
        pytest.skip(reason)
    assert _thai_fonts(), "no Thai font: screenshots would show boxes (scripts/setup-browser.sh)"
    from playwright.async_api import async_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    governor = (await bot.join_executives())[0]
    reporter = await bot.join(2001, "D6604")
    await file_report(bot, reporter, ReportAnswers(photos=1))
    await bot.drain()
    await add_incident(
        bot.runtime.db,
        Spec(
            reporter="D6601",
            district="6601",
            category=Category.FIRE,
            urgency=Urgency.URGENT,
            place="ตลาดสดเทศบาลเมืองพิจิตร",
            description="ไฟไหม้แผงค้าในตลาด ดับได้แล้ว",
        ),
        bot.clock.now(),
        bot.settings.files_dir,
    )
    reply = await bot.say(governor, "/web", expect=has("ลิงก์เข้าสู่เว็บ"))
    link = re.search(r"(http://\S+/login/[A-Za-z0-9_-]+)", reply.text).group(1)

    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS
        )
        try:
            context = await browser.new_context(
                viewport=PHONE, locale="th-TH", accept_downloads=True, is_mobile=True
            )
            page = await context.new_page()
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

            await page.goto(link)
            await page.screenshot(path=ARTIFACTS / "1-confirm.png")
            await page.get_by_role("button", name="เข้าสู่ระบบ").click()
            # Signing in opens the live situation; its own script loads within the policy.
            await page.wait_for_url(re.compile(r"/situation$"))
            assert await page.locator("ol.open-list li").count() == 2
            await page.screenshot(path=ARTIFACTS / "2-situation.png", full_page=True)
            await page.get_by_role("link", name="รายการเหตุการณ์").click()
            await page.wait_for_url(re.compile(r"/incidents$"))
            assert await page.locator("table.list tbody tr").count() == 2
            await page.screenshot(path=ARTIFACTS / "2-list.png", full_page=True)

            await page.fill("input[name=q]", "ล้นตลิ่ง")
            await page.get_by_text("ตัวกรองเพิ่มเติม").click()  # unfold the other filters
            await page.select_option("select[name=category]", "flood")
            # Days are typed the Thai way, day/month/Buddhist Era year; no Gregorian picker.
            assert await page.get_attribute("input[name=date_from]", "type") == "text"
            await page.fill("input[name=date_from]", "28/11/2569")
            await page.get_by_role("button", name="ใช้ตัวกรอง").click()
            await page.wait_for_url(re.compile(r"q=%E0%B8%A5"))
            rows = page.locator("table.list tbody tr")
            assert await rows.count() == 1
            assert await page.input_value("input[name=date_from]") == "28/11/2569"
            assert "PCT-2569-0001" in await rows.first.inner_text()
            await page.screenshot(path=ARTIFACTS / "3-filtered.png", full_page=True)

            async with page.expect_download() as download_info:
                await page.get_by_role("link", name="CSV (Excel)").click()
            download = await download_info.value
            csv_path = ARTIFACTS / "incidents.csv"
            await download.save_as(csv_path)

            await page.get_by_role("link", name="PCT-2569-0001").click()
            await page.wait_for_url(re.compile(r"/incidents/PCT-2569-0001$"))
            # The photo comes through the checked route (lazily, as on a phone).
            await page.locator(".photos img").first.scroll_into_view_if_needed()
            await page.wait_for_function(
                "() => { const i = document.querySelector('.photos img');"
                " return i && i.complete && i.naturalWidth > 0; }",
                timeout=10_000,
            )
            heading = await page.locator("h1").inner_text()
            # On a phone the timeline leads the incident's page.
            phone_order = await page.evaluate(PARTS_TOP)
            await page.screenshot(path=ARTIFACTS / "4-incident.png", full_page=True)
            fonts = await page.evaluate("getComputedStyle(document.body).fontFamily")

            await page.get_by_role("link", name="สถิติ").click()
            await page.wait_for_url(re.compile(r"/statistics$"))
            bars = await page.locator("svg.bar rect").count()
            await page.screenshot(path=ARTIFACTS / "5-statistics.png", full_page=True)

            # Printed for the official file: the shipped Sarabun, no menus or forms.
            await page.emulate_media(media="print")
            await page.goto(page.url.replace("/statistics", "/situation"))
            await page.evaluate("document.fonts.ready")
            sarabun = await page.evaluate(
                "[...document.fonts].filter(f => f.family.replace(/\"/g, '') === 'Sarabun'"
                " && f.status === 'loaded').length"
            )
            menus = await page.locator("header.top nav").is_visible()
            await page.screenshot(path=ARTIFACTS / "6-print-situation.png", full_page=True)
            await page.goto(page.url.replace("/situation", "/incidents/PCT-2569-0001"))
            await page.evaluate("document.fonts.ready")
            await page.screenshot(path=ARTIFACTS / "7-print-incident.png", full_page=True)
            printed = await page.locator("main").inner_text()
            print_order = await page.evaluate(PARTS_TOP)

            # The same session on a desktop screen, and in the war room's large-screen mode.
            desktop = await browser.new_context(
                viewport=DESKTOP, locale="th-TH", storage_state=await context.storage_state()
            )
            wide = await desktop.new_page()
            wide.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            base = page.url.split("/incidents/", 1)[0]
            await wide.goto(base + "/situation")
            map_width = (await wide.locator(".tile-map svg").bounding_box() or {"width": 0})[
                "width"
            ]
            await wide.screenshot(path=ARTIFACTS / "8-situation-desktop.png", full_page=True)
            await wide.goto(base + "/situation?tv=1")
            await wide.screenshot(path=ARTIFACTS / "9-situation-tv.png", full_page=True)
            await wide.goto(base + "/statistics")
            await wide.screenshot(path=ARTIFACTS / "10-statistics-desktop.png", full_page=True)
            stats_map = await wide.locator(".tile-map svg rect").count()
        finally:
            await browser.close()

    assert heading == "PCT-2569-0001 · อุทกภัย"
    assert bars >= 3  # months, districts and categories, drawn without script
    assert fonts.startswith('Sarabun, "TH Sarabun New", Loma')
    assert sarabun >= 1 and not menus  # the Thai face came from web/static/fonts
    assert 0 <= phone_order[0] < phone_order[1]  # phone: the timeline above the details
    assert 0 <= print_order[1] < print_order[0]  # print: the details first
    assert map_width > 400 and stats_map == 12  # the map, readable on a desktop too
    assert "PCT-2569-0001" in printed and "2569" in printed  # Buddhist-era dates
    content = csv_path.read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    text = content.decode("utf-8-sig")
    assert "PCT-2569-0001" in text and "PCT-2569-0002" not in text  # the filtered list
    assert "อุทกภัย" in text and "ตะพานหิน" in text
    assert not errors, errors  # nothing blocked by the CSP, no failed resource
