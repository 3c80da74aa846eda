"""Deactivating a person ends their access for good: activating them again revives nothing."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from incidents.audit import CLI_ACTOR
from incidents.roster import people as roster
from storage.models import DraftStatus, PendingInput, Province, ReportDraft
from tests.handlers.test_web_command import sign_in, web_link
from tests.support.harness import SAMPLE_ROSTER, Harness
from tests.support.reporting import ReportAnswers, alerts_in, file_report, has
from tests.web.conftest import HTML


def roster_with(active: str) -> str:
    """The sample roster with an `active` column: the Governor and Taphan Hin's chief set."""
    lines = SAMPLE_ROSTER.read_text(encoding="utf-8").splitlines()
    out = [lines[0] + ",active"]
    for line in lines[1:]:
        key = line.split(",", 1)[0]
        out.append(line + ("," + active if key in ("GOV", "D6604") else ","))
    return "\n".join(out) + "\n"


async def deactivate_then_reactivate(bot: Harness) -> None:
    """Deactivate the two through the CLI's service, then re-import them as active."""
    async with bot.runtime.db.write() as session:
        province = await session.get_one(Province, bot.runtime.province_id)
        for roster_id in ("GOV", "D6604"):
            await roster.deactivate(session, province, roster_id, bot.clock.now(), CLI_ACTOR)
    await bot.import_roster(roster_with("yes"))
    assert (await bot.person("GOV")).active


async def test_sessions_links_invitations_prompts_and_drafts_do_not_come_back(bot: Harness):
    governor = await bot.join(1001, "GOV")
    reporter = await bot.join(2001, "D6604")
    await file_report(bot, reporter, ReportAnswers(photos=0, pin=None))
    await bot.drain()
    # A web session and an unspent sign-in link; an invitation not yet used; an instruction
    # prompt waiting for its text; a report half filled in.
    browser = httpx.AsyncClient(base_url=bot.runtime.web_url)
    await sign_in(browser, await web_link(bot, governor))
    spare_link = await web_link(bot, governor)
    unused_code = await bot.invite("D6604")
    alert = alerts_in(bot, governor.id, "PCT-2569-0001")[0]
    await bot.press(governor, alert, "a|1|instruct", expect=has("พิมพ์ข้อสั่งการ"))
    await bot.say(reporter, "/report", expect=has("ประเภทใด"))

    await deactivate_then_reactivate(bot)

    listing = await browser.get("/incidents", headers=HTML)
    spare = await browser.get(spare_link.replace(bot.runtime.web_url, ""), headers=HTML)
    await browser.aclose()
    instruction = await bot.say(governor, "ให้อพยพทันที")
    rejoin = await bot.say(bot.api.add_user(2099, "เครื่องใหม่"), f"/start {unused_code}")
    restart = await bot.say(reporter, "/report", expect=has("ประเภทใด"))

    assert listing.status_code == 401  # the old session is over
    assert spare.status_code == 400 and "หมดอายุ" in spare.text
    assert "ข้อสั่งการ" not in instruction.text  # the prompt was forgotten
    assert not [m for m in bot.api.sent_messages(reporter.id) if "ให้อพยพทันที" in (m.text or "")]
    assert "หมดอายุ" in rejoin.text
    assert "ทำต่อจากขั้นตอนเดิม" not in restart.text  # a new report, not the old draft
    async with bot.runtime.db.read() as session:
        assert await session.scalar(select(PendingInput)) is None
        statuses = (await session.scalars(select(ReportDraft.status))).all()
    assert DraftStatus.CANCELLED in statuses


async def test_deactivating_by_importing_active_no_ends_access_too(bot: Harness):
    governor = await bot.join(1001, "GOV")
    browser = httpx.AsyncClient(base_url=bot.runtime.web_url)
    await sign_in(browser, await web_link(bot, governor))

    await bot.import_roster(roster_with("no"))
    await bot.import_roster(roster_with("yes"))

    listing = await browser.get("/incidents", headers=HTML)
    await browser.aclose()
    assert listing.status_code == 401
