"""Every bot action on an incident, pressed by every kind of person, through the real program:
the answers follow the permission model's table (tests/bot/test_policy.py), and every refusal
is audited."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from incidents.policy import Action
from incidents.text.thread import REFUSALS
from storage.models import AuditAction, AuditEvent, Incident, IncidentStatus
from tests.fakes import FakeUser
from tests.incidents.test_policy import expected
from tests.support.harness import Harness, button_data
from tests.support.reporting import ReportAnswers, alerts_in, file_report, has

REFERENCE = "PCT-2569-0001"

# roster id -> (Telegram id, its standing towards the incident in the policy table's words)
PEOPLE = {
    "D6604": (2001, ("reporter", "not alerted", True)),
    "D6605": (2002, ("reporter", "not alerted", False)),
    "PAL": (4001, ("reporter", "escalation", False)),
    "GOV": (1001, ("executive", "alerted", False)),
    "DGOV3": (1004, ("executive", "not alerted", False)),
    "ADMIN1": (3001, ("admin", "not alerted", False)),
}

# The button that attempts each action (instruction 1 and request 1 exist by then).
BUTTONS = {
    Action.VIEW: "t|1|menu",
    Action.ACKNOWLEDGE: "a|1|ack",
    Action.INSTRUCT: "a|1|instruct",
    Action.REQUEST_INFO: "a|1|info",
    Action.ANSWER_INFO: "q|1",
    Action.ACKNOWLEDGE_INSTRUCTION: "i|1",
    Action.POST_UPDATE: "t|1|news",
    Action.CHANGE_STATUS: "t|1|st:{status}",
    Action.CLOSE: "t|1|close",
    Action.REOPEN: "t|1|reopen",
    Action.LINK: "l|1|2",  # with the second report of the same flood
}
# Distinct targets, so the two people allowed to change the status never repeat one.
STATUS_FOR = {"D6604": "in_progress", "GOV": "under_control"}


async def press(bot: Harness, user: FakeUser, data: str) -> bool:
    """Press a button with `data` in the person's chat; True when it was not refused."""
    message = bot.api.last_message(user.id)
    assert message is not None
    query = bot.api.press_button(user, message, data, check=False)
    answer = await bot.api.wait_for_callback_answer(query)
    await bot.settle()
    return (answer.text or "") not in REFUSALS.values()


async def escalated_incident(bot: Harness) -> dict[str, FakeUser]:
    """An incident of Taphan Hin escalated to the ปลัดจังหวัด, with one instruction and one
    request from the Governor, and a deputy who joined only afterwards."""
    bot.configure(escalation_roster_ids=["PAL"])
    users = {}
    for roster_id in ("GOV", "D6604", "D6605", "PAL", "ADMIN1"):
        users[roster_id] = await bot.join(PEOPLE[roster_id][0], roster_id)
    await file_report(bot, users["D6604"], ReportAnswers(photos=0, pin=None))
    await bot.drain()
    await bot.advance(timedelta(minutes=11))  # two rounds without acknowledgement
    assert alerts_in(bot, users["PAL"].id, REFERENCE), "the escalation reached the ปลัดจังหวัด"
    users["DGOV3"] = await bot.join(PEOPLE["DGOV3"][0], "DGOV3")
    governor = users["GOV"]
    alert = alerts_in(bot, governor.id, REFERENCE)[0]
    await bot.press(governor, alert, button_data(alert, "สั่งการ"), expect=has("พิมพ์ข้อสั่งการ"))
    await bot.say(governor, "ให้ตั้งจุดอพยพที่โรงเรียน", expect=has("ส่งข้อสั่งการ"))
    await bot.press(governor, alert, button_data(alert, "ขอข้อมูล"), expect=has("พิมพ์สิ่งที่"))
    await bot.say(governor, "ต้องการถุงทรายกี่ใบ", expect=has("ส่งคำขอข้อมูล"))
    await bot.drain()
    # A second report of the same flood, for linking the two.
    await file_report(bot, users["D6604"], ReportAnswers(photos=0, pin=None))
    await bot.drain()
    return users


async def test_every_action_by_every_kind_of_person_follows_the_policy(bot: Harness):
    users = await escalated_incident(bot)
    async with bot.runtime.db.read() as session:
        refusals_before = await session.scalar(
            select(func.coalesce(func.sum(AuditEvent.count), 0)).where(
                AuditEvent.action == AuditAction.THREAD_ACTION_REFUSED
            )
        )

    outcomes: dict[tuple[str, Action], bool] = {}
    for action in [a for a in Action if a is not Action.REOPEN]:
        for roster_id, user in users.items():
            data = BUTTONS[action].format(status=STATUS_FOR.get(roster_id, "resolved"))
            outcomes[roster_id, action] = await press(bot, user, data)
    # Reopening needs a closed incident: the Governor closes it, then everyone tries.
    governor = users["GOV"]
    assert await press(bot, governor, BUTTONS[Action.CLOSE])
    await bot.say(governor, "น้ำลดแล้ว ปิดเหตุ", expect=has("ปิดเหตุการณ์"))
    for roster_id in sorted(users, key=lambda r: r == "GOV"):
        outcomes[roster_id, Action.REOPEN] = await press(
            bot, users[roster_id], BUTTONS[Action.REOPEN]
        )

    wanted = {
        (roster_id, action): action in expected(*standing)
        for roster_id, (_, standing) in PEOPLE.items()
        for action in Action
    }
    assert outcomes == wanted
    assert set(BUTTONS) == set(Action)
    async with bot.runtime.db.read() as session:
        refusals = await session.scalar(
            select(func.coalesce(func.sum(AuditEvent.count), 0)).where(
                AuditEvent.action == AuditAction.THREAD_ACTION_REFUSED
            )
        )
        incident = await session.scalar(select(Incident).where(Incident.reference == REFERENCE))
    assert refusals - refusals_before == sum(1 for allowed in outcomes.values() if not allowed)
    assert incident.status is IncidentStatus.IN_PROGRESS  # reopened by the Governor
