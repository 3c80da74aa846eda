"""`incident-bot drill`: start, list, inject into, end and report on drills (การฝึกซ้อม)."""

from __future__ import annotations

import click

from bot.cli import common
from incidents.alerts.service import Alerts
from incidents.core import Core
from incidents.drills import ending, scenarios, service
from incidents.drills import report as drill_report
from incidents.drills.inject import Injected, InjectOutcome, inject
from incidents.drills.service import StartOutcome
from incidents.roster.csv import ROLE_ALIASES
from incidents.text import drill as t
from incidents.thaidate import format_datetime
from storage.models import EventKind


@click.group("drill")
def drill_group() -> None:
    """Drills in live mode: their incidents page only the people taking part."""


@drill_group.command("start")
@click.option("--title", required=True, help="What the drill rehearses.")
@click.option("--minutes", type=click.IntRange(1, 24 * 60), default=60, show_default=True)
@click.option("--people", default="", help="Roster ids taking part, comma-separated.")
@click.option(
    "--role",
    "roles",
    multiple=True,
    type=click.Choice(sorted(ROLE_ALIASES)),
    help="Everyone with a role.",
)
def drill_start(title: str, minutes: int, people: str, roles: tuple[str, ...]) -> None:
    """Start a drill (one at a time per province)."""
    roster_ids = [p.strip() for p in people.split(",") if p.strip()]

    async def work(core: Core) -> service.Started:
        chosen = await service.choose(core, roster_ids, [ROLE_ALIASES[r] for r in roles])
        return await service.start(core, title, minutes, chosen)

    started = common.run(lambda: common.with_core(common.settings(), work))
    if started.outcome is StartOutcome.ALREADY_RUNNING:
        raise click.ClickException(t.ALREADY_RUNNING.format(title=started.title))
    if started.outcome is StartOutcome.NO_PARTICIPANTS:
        raise click.ClickException(t.NO_PARTICIPANTS)
    click.echo(f"drill {started.drill_id} started: {title} ({minutes} minutes)")


@drill_group.command("list")
def drill_list() -> None:
    """Every drill, newest first."""
    settings = common.settings()
    drills = common.run(lambda: common.with_core(settings, service.listing))
    for d in drills:
        ended = format_datetime(d.ended_at, settings.tz) if d.ended_at else "-"
        started = format_datetime(d.started_at, settings.tz)
        click.echo(f"{d.id}\t{d.status.value}\t{started}\t{ended}\t{d.title}")


@drill_group.command("end")
def drill_end() -> None:
    """End the running drill and send its report to the admins."""
    report = common.run(lambda: common.with_core(common.settings(), ending.end))
    if report is None:
        raise click.ClickException(t.NOT_RUNNING)
    click.echo(drill_report.as_text(report).plain())


@drill_group.command("inject")
@click.option("--scenario", "key", required=True, help="A scenario key from the scenarios file.")
def drill_inject(key: str) -> None:
    """File a scenario's incident into the running drill (its alerts page participants only)."""
    settings = common.settings()
    found = scenarios.load(settings.province).get(key)
    if found is None:
        raise click.ClickException(t.UNKNOWN_SCENARIO.format(key=key))
    scenario = found

    async def work(core: Core) -> Injected:
        alerts = Alerts(core)
        alerts.send_on_commit = False  # the running bot's delivery loop sends them
        core.events.subscribe(EventKind.FILED, alerts.on_filed)
        return await inject(core, scenario)

    injected = common.run(lambda: common.with_core(settings, work))
    if injected.outcome is InjectOutcome.NOT_RUNNING:
        raise click.ClickException(t.NOT_RUNNING)
    if injected.outcome is InjectOutcome.NO_REPORTER:
        raise click.ClickException(t.NO_REPORTER)
    click.echo(f"{injected.reference}: {scenario.title}")


@drill_group.command("report")
@click.argument("drill_id", type=int)
def drill_report_command(drill_id: int) -> None:
    """Print a drill's report."""

    async def work(core: Core) -> drill_report.DrillReport | None:
        return await drill_report.build(core, drill_id)

    report = common.run(lambda: common.with_core(common.settings(), work))
    if report is None:
        raise click.ClickException(f"no drill {drill_id}")
    click.echo(drill_report.as_text(report).plain())
