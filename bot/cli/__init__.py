"""The `incident-bot` command line: run the bot or the sandbox, migrate, manage the roster,
drills and the systems incidents are shared with.

Each command parses its arguments, calls the core's use cases and prints what they return;
none of them opens a database session itself.
"""

from __future__ import annotations

import click

from bot.cli.database import db
from bot.cli.drill import drill_group
from bot.cli.records import records_group
from bot.cli.roster import roster_group
from bot.cli.sandbox import sandbox
from bot.cli.serve import run
from bot.cli.subscribers import subscribers_group


@click.group()
def main() -> None:
    """Urgent-incident reporting bot (ระบบรายงานเหตุการณ์สำคัญและเหตุด่วน)."""


main.add_command(run)
main.add_command(db)
main.add_command(roster_group)
main.add_command(sandbox)
main.add_command(drill_group)
main.add_command(subscribers_group)
main.add_command(records_group)
