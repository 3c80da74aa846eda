"""`incident-bot db`: the database schema."""

from __future__ import annotations

import click

from bot.cli import common
from bot.cli.backup import db_backup, db_restore
from storage import migrate


@click.group()
def db() -> None:
    """Database schema, backups and restores."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration."""
    settings = common.settings()

    async def _upgrade() -> str | None:
        # Only the schema: no core exists before it (the province is loaded on first use).
        async with common.opened_database(settings) as database:
            await migrate.upgrade(database)
            return await migrate.current_revision(database)

    click.echo(f"database at revision {common.run(_upgrade)}")


db.add_command(db_backup)
db.add_command(db_restore)
