"""`incident-bot roster`: importing, listing, deactivating and inviting people."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from telegram import Bot
from telegram.error import InvalidToken, TelegramError

from bot import logs
from bot.cli import common
from bot.settings import Settings
from incidents import provinces
from incidents.audit import CLI_ACTOR
from incidents.roster import admin
from incidents.roster import csv as roster_csv
from incidents.roster.csv import ROLE_ALIASES
from incidents.roster.invites import InviteError
from incidents.roster.people import PersonNotFoundError
from incidents.roster.sheet import InviteSelectionError, SheetLine
from incidents.text import roles_text
from incidents.thaidate import format_datetime
from storage.models import Reach


@click.group("roster")
def roster_group() -> None:
    """People who may use the bot."""


@roster_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def roster_import(file: Path) -> None:
    """Add or update people from a CSV file (all rows or none)."""
    settings = common.settings()
    parsed = roster_csv.parse(file.read_bytes(), provinces.load(settings.province))
    if parsed.errors:
        click.echo(f"{file}: rejected, nothing imported:", err=True)
        for error in parsed.errors:
            click.echo(f"  {error}", err=True)
        sys.exit(1)
    summary = common.run(
        lambda: common.with_core(
            settings, lambda core: admin.import_roster(core, parsed.rows, file.name, CLI_ACTOR)
        )
    )
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
    settings = common.settings()
    entries = common.run(lambda: common.with_core(settings, admin.roster_entries))
    click.echo("id\tname\tposition\tagency\tdistrict\troles\tstatus\ttelegram\tline\talerts to")
    for entry in entries:
        click.echo(_listed(entry))
    click.echo(f"{len(entries)} people")


def _listed(entry: admin.RosterEntry) -> str:
    """One person as a tab-separated line."""
    return "\t".join(
        [
            entry.roster_id,
            entry.name,
            entry.position,
            entry.agency,
            entry.district_code or "-",
            roles_text(entry.roles),
            "active" if entry.active else "deactivated",
            "joined" if entry.joined else "not joined",
            "joined" if entry.joined_line else "not joined",
            entry.reach.value,
        ]
    )


@roster_group.command("deactivate")
@click.argument("roster_id")
def roster_deactivate(roster_id: str) -> None:
    """Stop a person from using the bot (their history is kept)."""
    settings = common.settings()
    try:
        name = common.run(
            lambda: common.with_core(
                settings, lambda core: admin.deactivate(core, roster_id, CLI_ACTOR)
            )
        )
    except PersonNotFoundError:
        raise click.ClickException(f"no person with id {roster_id!r} on the roster") from None
    click.echo(f"{roster_id} ({name}) is deactivated")


@roster_group.command("reach")
@click.argument("roster_id")
@click.argument("channels", type=click.Choice([r.value for r in Reach], case_sensitive=False))
def roster_reach(roster_id: str, channels: str) -> None:
    """Choose where a person's alerts go: all their channels, or only telegram or line."""
    settings = common.settings()
    reach = Reach(channels.lower())
    try:
        person = common.run(
            lambda: common.with_core(
                settings, lambda core: admin.set_reach(core, roster_id, reach, CLI_ACTOR)
            )
        )
    except PersonNotFoundError:
        raise click.ClickException(f"no person with id {roster_id!r} on the roster") from None
    click.echo(f"{roster_id} ({person.name}): alerts go to {reach.value}")
    bound = {"telegram": person.telegram_user_id, "line": person.line_user_id}
    if reach is not Reach.ALL and bound[reach.value] is None:
        click.echo(
            f"note: {roster_id} has not joined on {reach.value} yet; alerts reach them once they do"
        )


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
    settings = common.settings()
    choice = admin.InviteChoice(
        roster_ids, ROLE_ALIASES[role.lower()] if role else None, not_joined
    )
    # Asked before anything is issued: a failure here leaves the earlier codes working.
    username = common.run(lambda: _bot_username(settings))
    try:
        lines = common.run(
            lambda: common.with_core(
                settings, lambda core: admin.invite(core, choice, username, CLI_ACTOR, out)
            )
        )
    except (InviteSelectionError, InviteError) as exc:
        raise click.ClickException(str(exc)) from None
    except admin.SheetNotWrittenError as exc:
        raise click.ClickException(
            f"cannot write {out} ({exc.strerror}); no invitation was issued"
        ) from None
    _echo_invitations(lines, out, settings)
    if lines and not username:
        click.echo("(set TELEGRAM_BOT_USERNAME or TELEGRAM_BOT_TOKEN for the t.me links)")


def _echo_invitations(lines: list[SheetLine], out: Path | None, settings: Settings) -> None:
    """Say where the invitations went, or print each for the admin to pass on."""
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


def _echo_invitation(line: SheetLine, settings: Settings) -> None:
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
