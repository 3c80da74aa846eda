"""`incident-bot db backup` and `db restore`: the database and the files folder."""

from __future__ import annotations

import subprocess
from pathlib import Path

import click

from bot.backup import postgres, sqlite
from bot.cli import common


def _is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


@click.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace an existing backup at PATH.")
@click.option("--run", "run_it", is_flag=True, help="PostgreSQL: run pg_dump, not only show it.")
def db_backup(path: Path, force: bool, run_it: bool) -> None:
    """Back up the database and the stored files into the folder PATH."""
    settings = common.settings()
    url = settings.resolved_database_url
    if not _is_sqlite(url):
        if run_it and path.exists() and not force:
            raise click.ClickException(f"{path} exists; use --force to replace it")
        _postgres(url, postgres.backup_commands(url, settings.files_dir, path), run_it)
        return
    try:
        manifest = sqlite.backup(sqlite.sqlite_path(url), settings.files_dir, path, force=force)
    except sqlite.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    files = sum(1 for name in manifest.checksums if name.startswith(f"{sqlite.FILES_NAME}/"))
    click.echo(
        f"backup at {path}: schema revision {manifest.revision}, "
        f"{manifest.counts.get('incident', 0)} incidents, {files} files"
    )


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Restore even though the service seems to run.")
@click.option("--run", "run_it", is_flag=True, help="PostgreSQL: run pg_restore, not only show it.")
def db_restore(path: Path, force: bool, run_it: bool) -> None:
    """Put a backup made by `db backup` back (stop the service first)."""
    settings = common.settings()
    url = settings.resolved_database_url
    if not _is_sqlite(url):
        _postgres(url, postgres.restore_commands(url, settings.files_dir, path), run_it)
        return
    try:
        manifest = sqlite.restore(path, sqlite.sqlite_path(url), settings.files_dir, force=force)
    except sqlite.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"restored the backup of {manifest.created_at} (schema revision {manifest.revision}); "
        "an older schema is migrated when the service starts"
    )


def _postgres(url: str, commands: list[list[str]], run_it: bool) -> None:
    """Show the commands, and run them when asked."""
    click.echo(postgres.shown(commands))
    if not run_it:
        click.echo("(shown only: pass --run to run these; the password is taken from the settings)")
        return
    try:
        postgres.execute(url, commands)
    except (FileNotFoundError, subprocess.CalledProcessError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo("done")
