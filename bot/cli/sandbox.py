"""`incident-bot sandbox`: the real program against a simulated Telegram, phones in a browser."""

from __future__ import annotations

from pathlib import Path

import click

from bot import logs
from bot.cli import common
from bot.cli.serve import run_until_signalled
from bot.sandbox.run import DEFAULT_DATA_DIR, SandboxOptions, run_sandbox


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=8080, show_default=True, help="Port (0: any free one).")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_DATA_DIR,
    show_default=True,
    help="The sandbox's own folder, emptied at every start (never the live data).",
)
@click.option(
    "--database-url",
    default="",
    envvar="SANDBOX_DATABASE_URL",
    help="A throwaway database to use instead of SQLite in the folder; emptied at start.",
)
def sandbox(host: str, port: int, data_dir: Path, database_url: str) -> None:
    """Try the product without Telegram: the sample roster joined, phones in the browser.

    Every start is a clean sandbox; the live settings' token and data are left alone.
    """
    logs.configure(common.settings().log_level)
    options = SandboxOptions(host, port, data_dir, database_url)
    run_until_signalled(lambda stop: run_sandbox(options, stop, _announce))


def _announce(line: str) -> None:
    click.echo(line)
