"""The `incident-bot` command line: run the bot, migrate the database, manage the roster."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

import click
from telegram import Bot
from telegram.error import InvalidToken, TelegramError

from bot import logs
from bot.app import prepare_database, serve
from bot.settings import Settings, SettingsError, load_settings
from incidents import files, provinces
from incidents.audit import CLI_ACTOR
from incidents.clock import SystemClock
from incidents.roster import csv as roster_csv
from incidents.roster import invites
from incidents.roster import people as roster
from incidents.roster import sheet as invite_sheet
from incidents.roster.csv import ROLE_ALIASES
from incidents.roster.invites import InviteError
from incidents.roster.people import PersonNotFoundError
from incidents.text import roles_text
from incidents.thaidate import format_datetime
from storage import migrate
from storage.db import Database
from storage.models import Province

T = TypeVar("T")
log = logging.getLogger(__name__)


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None


def _run(make: Callable[[], Awaitable[T]]) -> T:
    try:
        return asyncio.run(make())  # type: ignore[arg-type]
    except (SettingsError, provinces.UnknownProvinceError) as exc:
        raise click.ClickException(str(exc)) from None


@click.group()
def main() -> None:
    """Urgent-incident reporting bot (ระบบรายงานเหตุการณ์สำคัญและเหตุด่วน)."""


@main.command()
def run() -> None:
    """Run the bot (and apply migrations first)."""
    settings = _settings()
    logs.configure(settings.log_level)

    async def _serve() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, _on_signal, sig, stop)
        try:
            await serve(settings, stop)
        finally:
            await _cancel_leftovers()

    try:
        _run(_serve)
    except click.ClickException:
        raise
    except Exception:
        # Through the log, so the traceback is redacted like every other line.
        log.exception("stopped by an unexpected error")
        sys.exit(1)
    log.info("stopped")


def _on_signal(sig: signal.Signals, stop: asyncio.Event) -> None:
    """Stop cleanly on the first SIGINT or SIGTERM, whatever the phase; at once on a second."""
    if stop.is_set():
        log.warning("%s again while stopping: exiting at once", sig.name)
        logging.shutdown()
        os._exit(128 + sig.value)
    log.info("%s received: stopping", sig.name)
    stop.set()


async def _cancel_leftovers(grace: float = 10.0) -> None:
    """Cancel tasks still running after shutdown, so a stuck one cannot hold the exit."""
    current = asyncio.current_task()
    leftovers = [task for task in asyncio.all_tasks() if task is not current]
    if not leftovers:
        return
    for task in leftovers:
        log.warning("task still running at shutdown: %s", task.get_coro())
        task.cancel()
    _, pending = await asyncio.wait(leftovers, timeout=grace)
    if pending:
        log.error("%d task(s) ignored cancellation; exiting anyway", len(pending))
        logging.shutdown()
        os._exit(0)


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration."""
    settings = _settings()

    async def _upgrade() -> str | None:
        database = Database(settings.resolved_database_url)
        try:
            await migrate.upgrade(database)
            return await migrate.current_revision(database)
        finally:
            await database.dispose()

    click.echo(f"database at revision {_run(_upgrade)}")


@main.group("roster")
def roster_group() -> None:
    """People who may use the bot."""


async def _with_roster_db(
    settings: Settings, work: Callable[[Database, Province], Awaitable[T]]
) -> T:
    database, province_id = await prepare_database(settings)
    try:
        async with database.read() as session:
            province = await session.get_one(Province, province_id)
        return await work(database, province)
    finally:
        await database.dispose()


@roster_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def roster_import(file: Path) -> None:
    """Add or update people from a CSV file (all rows or none)."""
    settings = _settings()
    data = provinces.load(settings.province)
    parsed = roster_csv.parse(file.read_bytes(), data)
    if parsed.errors:
        click.echo(f"{file}: rejected, nothing imported:", err=True)
        for error in parsed.errors:
            click.echo(f"  {error}", err=True)
        sys.exit(1)

    async def _import(database: Database, province: Province) -> roster.ImportSummary:
        async with database.write() as session:
            province = await session.merge(province)
            return await roster.import_rows(
                session, province, parsed.rows, _now(), CLI_ACTOR, file.name
            )

    summary = _run(lambda: _with_roster_db(settings, _import))
    note = " (read as Thai Windows cp874)" if parsed.encoding == "cp874" else ""
    click.echo(
        f"{file}{note}: {len(summary.created)} added, {len(summary.updated)} updated, "
        f"{len(summary.unchanged)} unchanged"
    )
    if summary.not_in_file:
        click.echo(
            f"{summary.not_in_file} people on the roster are not in this file and were left "
            "as they are (use `incident-bot roster deactivate ID` to remove access)"
        )


@roster_group.command("list")
def roster_list() -> None:
    """Show everyone on the roster."""
    settings = _settings()

    async def _list(database: Database, province: Province) -> list[str]:
        async with database.read() as session:
            people = await roster.list_people(session, province)
            return [
                "\t".join(
                    [
                        p.roster_id,
                        p.name,
                        p.position,
                        p.agency.name,
                        p.district.code if p.district else "-",
                        roles_text(p.roles),
                        "active" if p.active else "deactivated",
                        "joined" if p.telegram_user_id else "not joined",
                    ]
                )
                for p in people
            ]

    lines = _run(lambda: _with_roster_db(settings, _list))
    click.echo("id\tname\tposition\tagency\tdistrict\troles\tstatus\ttelegram")
    for line in lines:
        click.echo(line)
    click.echo(f"{len(lines)} people")


@roster_group.command("deactivate")
@click.argument("roster_id")
def roster_deactivate(roster_id: str) -> None:
    """Stop a person from using the bot (their history is kept)."""
    settings = _settings()

    async def _deactivate(database: Database, province: Province) -> str:
        async with database.write() as session:
            province = await session.merge(province)
            person = await roster.deactivate(session, province, roster_id, _now(), CLI_ACTOR)
            return person.name

    try:
        name = _run(lambda: _with_roster_db(settings, _deactivate))
    except PersonNotFoundError:
        raise click.ClickException(f"no person with id {roster_id!r} on the roster") from None
    click.echo(f"{roster_id} ({name}) is deactivated")


@roster_group.command("invite")
@click.argument("roster_ids", nargs=-1)
@click.option(
    "--role",
    type=click.Choice(sorted(ROLE_ALIASES), case_sensitive=False),
    help="Invite every active person holding this role instead of naming ids.",
)
@click.option("--not-joined", is_flag=True, help="With --role: only people not joined yet.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the links to this CSV file (for Excel; readable by you alone).",
)
def roster_invite(
    roster_ids: tuple[str, ...], role: str | None, not_joined: bool, out: Path | None
) -> None:
    """Create single-use invitation links for people (by id, or by --role)."""
    settings = _settings()
    ttl = timedelta(hours=settings.invite_ttl_hours)
    wanted_role = ROLE_ALIASES[role.lower()] if role else None
    # Asked before anything is issued: a failure here leaves the earlier codes working.
    username = _run(lambda: _bot_username(settings))

    async def _invite(database: Database, province: Province) -> list[invite_sheet.SheetLine]:
        async with database.write() as session:
            province = await session.merge(province)
            people = await roster.list_people(session, province)
            chosen = invite_sheet.choose(people, roster_ids, wanted_role, not_joined=not_joined)
            now = _now()
            lines = [
                invite_sheet.sheet_line(
                    await invites.issue(session, person, now, ttl, CLI_ACTOR), username
                )
                for person in chosen
            ]
            if out is not None and lines:
                # Inside the transaction: a file that cannot be written issues nothing.
                try:
                    files.write_private(out, invite_sheet.csv_bytes(lines, settings.tz))
                except OSError as exc:
                    raise click.ClickException(
                        f"cannot write {out} ({exc.strerror}); no invitation was issued"
                    ) from None
            return lines

    try:
        lines = _run(lambda: _with_roster_db(settings, _invite))
    except (invite_sheet.InviteSelectionError, InviteError) as exc:
        raise click.ClickException(str(exc)) from None
    if not lines:
        click.echo("nobody to invite: no active person matches")
    elif out is not None:
        until = format_datetime(lines[0].issued.expires_at, settings.tz)
        click.echo(f"{len(lines)} invitation(s) written to {out} (valid until {until})")
    else:
        for index, line in enumerate(lines):
            if index:
                click.echo()
            _echo_invitation(line, settings)
    if lines and not username:
        click.echo("(set TELEGRAM_BOT_USERNAME or TELEGRAM_BOT_TOKEN for the t.me links)")


def _echo_invitation(line: invite_sheet.SheetLine, settings: Settings) -> None:
    """Print one invitation for the admin to pass on."""
    issued = line.issued
    click.echo(f"invitation for {issued.person.roster_id} ({issued.person.name})")
    if line.link:
        click.echo(f"link: {line.link}")
    click.echo(f"code: {issued.code}")
    click.echo(f"or send the bot: /start {issued.code}")
    click.echo(f"valid until {format_datetime(issued.expires_at, settings.tz)} (single use)")


async def _bot_username(settings: Settings) -> str:
    """TELEGRAM_BOT_USERNAME, else the Bot API's answer to getMe; empty without a token."""
    if settings.telegram_bot_username:
        return settings.telegram_bot_username.lstrip("@")
    if not settings.telegram_bot_token.get_secret_value().strip():
        return ""
    bot = Bot(settings.require_token(), base_url=settings.telegram_api_base_url)
    try:
        async with bot:  # getMe, over the same Bot API address the bot itself uses
            return bot.username
    except InvalidToken:
        raise click.ClickException(
            "TELEGRAM_BOT_TOKEN was refused by the Bot API (Unauthorized); no invitation was issued"
        ) from None
    except TelegramError as exc:
        raise click.ClickException(
            f"could not ask the Bot API at TELEGRAM_API_BASE_URL for the bot's username "
            f"({logs.redact(str(exc))}); set TELEGRAM_BOT_USERNAME or try again; no "
            "invitation was issued"
        ) from None


def _now() -> datetime:
    return SystemClock().now()
