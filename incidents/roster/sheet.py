"""Choosing whom to invite at once, and the CSV sheet of their links for the admin to send."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import tzinfo

from incidents.roster import invites
from incidents.textclean import spreadsheet_cell
from incidents.thaidate import format_datetime
from storage.models import Person, Role

# Excel takes a CSV file for UTF-8 (and shows Thai) only when it starts with a BOM.
UTF8_BOM = "\ufeff"
CSV_HEADER = ("id", "name", "position", "agency", "phone", "link", "code", "valid_until")


class InviteSelectionError(ValueError):
    """The people asked for cannot all be invited; the message says who and why."""


def choose(
    people: Sequence[Person],
    roster_ids: Sequence[str],
    role: Role | None,
    *,
    not_joined: bool = False,
) -> list[Person]:
    """The people named by id (all of them or none), or every active holder of `role`."""
    if bool(roster_ids) == (role is not None):
        raise InviteSelectionError("name the people to invite by roster id, or give --role")
    if role is None:
        if not_joined:
            raise InviteSelectionError("--not-joined goes with --role")
        return _by_id(people, roster_ids)
    return [
        p
        for p in people
        if p.active and p.has_role(role) and not (not_joined and p.telegram_user_id)
    ]


def _by_id(people: Sequence[Person], roster_ids: Sequence[str]) -> list[Person]:
    """The people with these ids, in the order given; every problem is named at once."""
    known = {p.roster_id: p for p in people}
    wanted = list(dict.fromkeys(roster_ids))
    unknown = [key for key in wanted if key not in known]
    inactive = [key for key in wanted if key in known and not known[key].active]
    problems = []
    if unknown:
        problems.append(f"not on the roster: {', '.join(unknown)}")
    if inactive:
        problems.append(
            f"deactivated: {', '.join(inactive)} (set active=yes in the roster file and "
            "import it first)"
        )
    if problems:
        raise InviteSelectionError("; ".join(problems) + "; no invitation was issued")
    return [known[key] for key in wanted]


@dataclass(frozen=True, slots=True)
class SheetLine:
    """One person's invitation as the admin sends it on."""

    issued: invites.IssuedInvite
    link: str


def sheet_line(issued: invites.IssuedInvite, bot_username: str) -> SheetLine:
    """The line of an issued invitation; no link without the bot's username."""
    link = invites.deep_link(bot_username, issued.code) if bot_username else ""
    return SheetLine(issued, link)


def csv_bytes(lines: Sequence[SheetLine], tz: tzinfo) -> bytes:
    """The sheet as CSV: UTF-8 with a BOM, Thai dates, one person a row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for line in lines:
        person = line.issued.person
        writer.writerow(
            [
                spreadsheet_cell(value)
                for value in (
                    person.roster_id,
                    person.name,
                    person.position,
                    person.agency.name,
                    person.phone or "",
                    line.link,
                    line.issued.code,
                    format_datetime(line.issued.expires_at, tz),
                )
            ]
        )
    return (UTF8_BOM + buffer.getvalue()).encode("utf-8")
