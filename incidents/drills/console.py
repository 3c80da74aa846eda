"""The /drill console of the bot, for admins: what is running, and its buttons."""

from __future__ import annotations

from dataclasses import dataclass

from incidents.actions import Button, Buttons, DrillAction, DrillGroup, DrillVerb
from incidents.core import Core
from incidents.drills import ending, service
from incidents.drills import report as drill_report
from incidents.drills.series import participant_ids, running
from incidents.text import drill as t
from incidents.text.rich import Text
from incidents.thaidate import format_datetime
from storage.models import Person, Role

MINUTES = (30, 60, 120)


@dataclass(frozen=True, slots=True)
class Screen:
    """What the console shows: a text and its buttons."""

    text: Text
    buttons: Buttons = ()


def _start_buttons() -> Buttons:
    return tuple(
        tuple(
            Button(
                label=t.START_BUTTON.format(group=t.GROUP_LABELS[group.value], minutes=m),
                action=DrillAction(verb=DrillVerb.START, group=group, minutes=m),
            )
            for m in MINUTES
        )
        for group in DrillGroup
    )


async def show(core: Core, person: Person) -> Screen:
    """The running drill with end/report buttons, or the buttons to start one."""
    if not person.has_role(Role.ADMIN):
        return Screen(Text(t.ADMINS_ONLY))
    async with core.reading() as session:
        drill = await running(session, core.province_id)
        people = len(await participant_ids(session, drill.id)) if drill else 0
    if drill is None:
        return Screen(Text(t.CONSOLE_IDLE), _start_buttons())
    text = t.CONSOLE_RUNNING.format(
        title=drill.title, people=people, ends=format_datetime(drill.ends_at, core.rules.tz)
    )
    return Screen(
        Text(t.MARK, "\n", text),
        (
            (
                Button(
                    label=t.END_BUTTON, action=DrillAction(verb=DrillVerb.END, drill_id=drill.id)
                ),
            ),
            (
                Button(
                    label=t.REPORT_BUTTON,
                    action=DrillAction(verb=DrillVerb.REPORT, drill_id=drill.id),
                ),
            ),
        ),
    )


async def press(core: Core, person: Person, action: DrillAction) -> Screen:
    """Act on a console button (admins only)."""
    if not person.has_role(Role.ADMIN):
        return Screen(Text(t.ADMINS_ONLY))
    match action.verb:
        case DrillVerb.START:
            assert action.group is not None and action.minutes is not None
            roles = [Role.EXECUTIVE, Role.ADMIN]
            if action.group is DrillGroup.EVERYONE:
                roles.append(Role.REPORTER)
            chosen = await service.choose(core, [], roles)
            title = t.BOT_TITLE.format(date=format_datetime(core.clock.now(), core.rules.tz))
            started = await service.start(core, title, action.minutes, chosen, started_by=person.id)
            if started.outcome is service.StartOutcome.ALREADY_RUNNING:
                return Screen(Text(t.ALREADY_RUNNING.format(title=started.title)))
            if started.outcome is service.StartOutcome.NO_PARTICIPANTS:
                return Screen(Text(t.NO_PARTICIPANTS))
            return await show(core, person)
        case DrillVerb.END:
            ended = await ending.end(core, action.drill_id)
            return Screen(Text(t.NOT_RUNNING if ended is None else t.ENDED_BY_ADMIN))
        case DrillVerb.REPORT:
            assert action.drill_id is not None
            report = await drill_report.build(core, action.drill_id)
            return Screen(Text(t.NOT_RUNNING) if report is None else drill_report.as_text(report))
