"""A second report of one event, through the real program: its alert names the open incident
it may repeat, with a button; an executive links them from the alert, every copy of the alert
then says so, and both incidents keep their own reporter and thread."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from storage.models import EventKind, Incident, IncidentEvent, IncidentLink, LinkState
from tests.fakes import FakeUser, SentMessage
from tests.support.harness import Harness, button_data
from tests.support.reporting import ReportAnswers, alerts_in, file_report

FIRST, SECOND, THIRD = "PCT-2569-0001", "PCT-2569-0002", "PCT-2569-0003"
HINT = f"อาจเป็นเหตุเดียวกับ {FIRST}"
# The same flood in other words, by another agency, without a location.
RETOLD = ReportAnswers(place="หมู่ที่ 3 บ้านวังหลุม ตำบลวังหลุม", pin=None, photos=0)


async def press(bot: Harness, user: FakeUser, message: SentMessage, data: str) -> str:
    query = bot.api.press_button(user, message, data, check=False)
    answer = await bot.api.wait_for_callback_answer(query)
    await bot.settle()
    return answer.text or ""


def alert_of(bot: Harness, chat_id: int, reference: str) -> SentMessage:
    [alert] = alerts_in(bot, chat_id, reference)
    return alert


def link_buttons(message: SentMessage) -> list[str]:
    return [b["text"] for b in message.buttons if "เชื่อมโยง" in b.get("text", "")]


async def test_a_second_report_is_pointed_out_and_an_executive_links_it(bot: Harness):
    governor, deputy, *_ = await bot.join_executives()
    first_reporter = await bot.join(2001, "D6604")
    second_reporter = await bot.join(2002, "D6605")
    await file_report(bot, first_reporter, ReportAnswers(photos=0))
    await bot.drain()
    first_alert = alert_of(bot, governor.id, FIRST)
    assert "อาจเป็นเหตุเดียวกับ" not in (first_alert.text or "") and not link_buttons(first_alert)

    await file_report(bot, second_reporter, RETOLD)
    await bot.drain()
    for executive in (governor, deputy):
        alert = alert_of(bot, executive.id, SECOND)
        lines = (alert.text or "").splitlines()
        assert lines[1] == SECOND and lines[2] == f"🔗 {HINT}"  # under the reference
        assert link_buttons(alert) == [f"🔗 เชื่อมโยงกับ {FIRST}"]

    # A report of somewhere else in the same district is not pointed out.
    await file_report(
        bot, first_reporter, ReportAnswers(place="ตลาดสดเทศบาลตะพานหิน", pin=None, photos=0)
    )
    await bot.drain()
    elsewhere = alert_of(bot, governor.id, THIRD)
    assert "อาจเป็นเหตุเดียวกับ" not in (elsewhere.text or "") and not link_buttons(elsewhere)

    alert = alert_of(bot, governor.id, SECOND)
    said = await press(bot, governor, alert, button_data(alert, "เชื่อมโยงกับ"))
    assert said.startswith(f"เชื่อมโยง {SECOND} กับ {FIRST} แล้ว")
    await bot.drain()
    # Every Telegram copy of both alerts now says so, without the button.
    for executive in (governor, deputy):
        alert = alert_of(bot, executive.id, SECOND)
        assert f"🔗 เชื่อมโยงกับ {FIRST} แล้ว" in (alert.text or "")
        assert not link_buttons(alert)
        alert = alert_of(bot, executive.id, FIRST)
        assert f"🔗 เชื่อมโยงกับ {SECOND} แล้ว" in (alert.text or "")
    # The deputy presses the button of the copy they had before: it was done already.
    deputy_alert = alert_of(bot, deputy.id, SECOND)
    again = await press(bot, deputy, deputy_alert, f"l|{2}|{1}")
    assert again.startswith(f"{SECOND} กับ {FIRST} เชื่อมโยงไว้แล้ว โดย ")

    async with bot.runtime.db.read() as session:
        incidents = {i.reference: i for i in (await session.scalars(select(Incident))).all()}
        [link] = (await session.scalars(select(IncidentLink))).all()
        linked = (
            await session.scalars(
                select(IncidentEvent.incident_id).where(IncidentEvent.kind == EventKind.LINKED)
            )
        ).all()
    assert (link.low_id, link.high_id, link.state) == (
        incidents[FIRST].id,
        incidents[SECOND].id,
        LinkState.LINKED,
    )
    assert sorted(linked) == sorted([incidents[FIRST].id, incidents[SECOND].id])
    # Nothing merged away: each keeps its reporter; both count once in the statistics' group.
    assert incidents[FIRST].reporter_id != incidents[SECOND].reporter_id
    assert incidents[FIRST].link_group_id == incidents[SECOND].link_group_id == incidents[FIRST].id
    assert incidents[THIRD].link_group_id is None


async def test_the_hint_looks_back_only_as_far_as_configured(bot: Harness):
    governor, *_ = await bot.join_executives()
    reporter = await bot.join(2001, "D6604")
    bot.configure(related_window_hours=1)
    await file_report(bot, reporter, ReportAnswers(photos=0))
    await bot.drain()
    await bot.advance(timedelta(hours=2))
    await file_report(bot, reporter, RETOLD)
    await bot.drain()
    alert = alert_of(bot, governor.id, SECOND)
    assert "อาจเป็นเหตุเดียวกับ" not in (alert.text or "") and not link_buttons(alert)
