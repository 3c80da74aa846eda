"""`incident-bot records`: what the deployment keeps, applied on demand (the daily job does the
same by itself)."""

from __future__ import annotations

import click

from bot.cli import common
from incidents.audit import CLI_ACTOR
from incidents.core import Core
from incidents.records import retention
from incidents.records.retention import Purged


@click.group("records")
def records_group() -> None:
    """The records kept: retention of audit rows, files and personal details."""


@records_group.command("purge")
@click.option("--dry-run", is_flag=True, help="Say what would go; change nothing.")
@click.option(
    "--again",
    is_flag=True,
    help="Mask once more the free text of every incident closed more than "
    "REDACT_CLOSED_AFTER_DAYS days ago, those masked before included (after an upgrade that "
    "finds more kinds of personal details).",
)
def purge(dry_run: bool, again: bool) -> None:
    """Apply AUDIT_RETENTION_DAYS, FILES_RETENTION_DAYS and REDACT_CLOSED_AFTER_DAYS now."""
    settings = common.settings()

    async def work(core: Core) -> Purged:
        return await retention.purge(core, CLI_ACTOR, dry_run=dry_run, again=again)

    done = common.run(lambda: common.with_core(settings, work))
    verb = "would remove" if dry_run else "removed"
    click.echo(
        f"audit rows older than {settings.audit_retention_days or '-'} days: "
        f"{verb} {done.audit_rows}"
    )
    for action, count in sorted(done.audit_by_action.items()):
        click.echo(f"  {action}\t{count}")
    click.echo(
        f"files of incidents closed over {settings.files_retention_days or '-'} days ago: "
        f"{verb} {done.files} ({done.file_bytes:,} bytes)"
    )
    masked = "would mask" if dry_run else "masked"
    click.echo(
        f"free text of incidents closed over {settings.redact_closed_after_days or '-'} days ago:"
        f" {masked} {done.texts_redacted} texts in {done.incidents_redacted} incidents"
    )
    if not (
        settings.audit_retention_days
        or settings.files_retention_days
        or settings.redact_closed_after_days
    ):
        click.echo("every period is 0: everything is kept")
