"""A drill end to end through the fake Bot API: started, a participant files a drill report,
only the participating executives are paged (marked, in the drill series), the Governor
acknowledges, the admin gets the drill report; the records leave the drill out by default."""

from __future__ import annotations

from datetime import timedelta

from bot import maintenance
from incidents.drills import ending, service
from incidents.records import queries, stats
from incidents.records.filters import DrillFilter, IncidentFilter, Viewer
from incidents.text import drill as drill_text
from storage.models import DrillStatus
from tests.support.harness import Harness, button_data
from tests.support.reporting import alerts_in, file_report, has

REFERENCE = "PCT-DRILL-2569-0001"


async def test_a_drill_pages_only_its_participants_and_ends_with_a_report(bot: Harness):
    governor, deputy, *_ = await bot.join_executives()
    admin = await bot.join(3001, "ADMIN1")
    reporter = await bot.join(2001, "D6604")
    core = bot.runtime.core
    chosen = [(await bot.person(r)).id for r in ("GOV", "D6604", "ADMIN1")]
    started = await service.start(
        core, "ซ้อมน้ำท่วม", 60, chosen, started_by=(await bot.person("ADMIN1")).id
    )
    assert started.outcome is service.StartOutcome.STARTED
    await bot.drain()
    assert any("เริ่มการฝึกซ้อม" in (m.text or "") for m in bot.api.sent_messages(governor.id))
    assert not any("ฝึกซ้อม" in (m.text or "") for m in bot.api.sent_messages(deputy.id))

    question = await bot.say(reporter, "/report", expect=has("เป็นการฝึกซ้อม หรือเหตุจริง"))
    await bot.press(reporter, question, button_data(question, "การฝึกซ้อม"), expect=has("ประเภทใด"))
    filed = await file_report(bot, reporter)
    assert REFERENCE in (filed.text or "")
    assert (filed.text or "").startswith(drill_text.MARK)
    assert drill_text.NOTIFYING in (filed.text or "")
    await bot.drain()

    [alert] = alerts_in(bot, governor.id, REFERENCE)
    assert (alert.text or "").startswith(drill_text.MARK)
    assert alerts_in(bot, deputy.id, REFERENCE) == []
    for chat in (deputy.id, 1003, 1004):
        assert not any(REFERENCE in (m.text or "") for m in bot.api.sent_messages(chat))

    # The bot's own prompts about a drill incident, not only the outbox's, carry the mark.
    prompt = await bot.press(governor, alert, button_data(alert, "สั่งการ"), expect=has("พิมพ์ข้อสั่งการ"))
    assert (prompt.text or "").startswith(drill_text.MARK)

    pressed = bot.api.press_button(governor, alert, button_data(alert, "รับทราบ"))
    await bot.api.wait_for_callback_answer(pressed, timeout=10)
    await bot.drain()

    report = await ending.end(core)
    await bot.drain()
    assert report is not None
    [times] = report.executives
    assert times.received[0] is not None and times.acknowledged[0] is not None
    sent = [m.text or "" for m in bot.api.sent_messages(admin.id)]
    assert any("รายงานผลการฝึกซ้อม" in text and REFERENCE in text for text in sent)

    async with core.reading() as session:
        viewer = Viewer.of(await bot.person("GOV"))
        tz = core.rules.tz
        default = await stats.statistics(session, viewer, IncidentFilter(), tz)
        asked = await stats.statistics(session, viewer, IncidentFilter(drills=DrillFilter.ONLY), tz)
    assert (default.total, asked.total) == (0, 1)
    exported = [r async for r in queries.stream_export(core, viewer, IncidentFilter())]
    assert exported == []
    drills = IncidentFilter(drills=DrillFilter.INCLUDE)
    assert [r.incident.reference async for r in queries.stream_export(core, viewer, drills)] == [
        REFERENCE
    ]


async def test_a_real_report_during_a_drill_pages_everyone(bot: Harness):
    executives = await bot.join_executives()
    reporter = await bot.join(2001, "D6604")
    core = bot.runtime.core
    chosen = [(await bot.person(r)).id for r in ("GOV", "D6604")]
    await service.start(core, "ซ้อม", 60, chosen)
    await bot.drain()

    question = await bot.say(reporter, "/report", expect=has("เป็นการฝึกซ้อม หรือเหตุจริง"))
    await bot.press(reporter, question, button_data(question, "เหตุจริง"), expect=has("ประเภทใด"))
    filed = await file_report(bot, reporter)
    assert "PCT-2569-0001" in (filed.text or "")
    await bot.drain()
    for executive in executives:
        [alert] = alerts_in(bot, executive.id, "PCT-2569-0001")
        assert drill_text.MARK not in (alert.text or "")


async def test_an_admin_runs_a_drill_from_the_bot(bot: Harness):
    governor, *_ = await bot.join_executives()
    admin = await bot.join(3001, "ADMIN1")
    reporter = await bot.join(2001, "D6604")
    refused = await bot.say(reporter, "/drill", expect=has("สำหรับผู้ดูแลระบบเท่านั้น"))
    assert refused.buttons == []

    idle = await bot.say(admin, "/drill", expect=has("ยังไม่มีการฝึกซ้อม"))
    running = await bot.press(
        admin, idle, button_data(idle, "ผู้บริหาร 30 นาที"), expect=has("กำลังฝึกซ้อม")
    )
    assert (running.text or "").startswith(drill_text.MARK)
    await bot.drain()
    assert any("เริ่มการฝึกซ้อม" in (m.text or "") for m in bot.api.sent_messages(governor.id))
    assert not any("เริ่มการฝึกซ้อม" in (m.text or "") for m in bot.api.sent_messages(reporter.id))
    again = await bot.press(admin, idle, button_data(idle, "ทุกคน 60 นาที"), expect=has("ยังไม่สิ้นสุด"))
    assert "กรุณาสิ้นสุด" in (again.text or "")

    report = await bot.press(
        admin, running, button_data(running, "รายงานผล"), expect=has("รายงานผลการฝึกซ้อม")
    )
    assert "นายสมมติ ตัวอย่างดี" in (report.text or "")
    await bot.press(admin, running, button_data(running, "สิ้นสุด"), expect=has("สิ้นสุดการฝึกซ้อมแล้ว"))
    await bot.drain()
    assert (await bot.say(admin, "/drill", expect=has("ยังไม่มีการฝึกซ้อม"))).buttons


async def test_the_maintenance_loop_ends_a_drill_on_time_and_reports_to_its_admin(bot: Harness):
    await bot.join_executives()
    admin = await bot.join(3001, "ADMIN1")
    admin_id = (await bot.person("ADMIN1")).id
    chosen = [(await bot.person("GOV")).id, admin_id]
    await service.start(bot.runtime.core, "ซ้อม", 30, chosen, started_by=admin_id)
    await bot.drain()

    await maintenance.run_once(bot.runtime, bot.application.bot)
    await bot.drain()
    assert not any("รายงานผลการฝึกซ้อม" in (m.text or "") for m in bot.api.sent_messages(admin.id))
    await bot.advance(timedelta(minutes=31))
    await maintenance.run_once(bot.runtime, bot.application.bot)
    await bot.drain()
    assert any("รายงานผลการฝึกซ้อม" in (m.text or "") for m in bot.api.sent_messages(admin.id))
    assert [d.status for d in await service.listing(bot.runtime.core)] == [DrillStatus.ENDED]
