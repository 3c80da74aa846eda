"""The sample roster's people, each bound to a simulated Telegram user, a simulated LINE user,
or both: a few executives hold a LINE phone, one of them on LINE only."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from incidents import provinces
from incidents.roster import csv as roster_csv
from incidents.roster.csv import RosterRow
from incidents.text import sandbox as texts
from storage.models import Role
from web.phones import PhoneOwner

# The roster the README imports; the sandbox runs from a checkout, where it lives.
SAMPLE_ROSTER = Path(__file__).resolve().parents[2] / "examples" / "phichit-roster.csv"
# Simulated Telegram user ids: far from real ones' look, stable from one start to the next.
FIRST_USER_ID = 910_000_001
# The LINE phones' ids on the pages (LINE's own user ids are strings, made at each start).
FIRST_LINE_PHONE = 920_000_001
# A Deputy Governor reached on LINE only, and one on both channels (issue 13, point 1).
LINE_ONLY = frozenset({"DGOV2"})
LINE_TOO = frozenset({"DGOV3"})


@dataclass(frozen=True)
class SandboxPerson:
    """A roster line and the simulated user who holds its phone."""

    row: RosterRow
    user_id: int  # the Telegram phone's simulated user
    on_telegram: bool = True
    line_phone: int | None = None  # the LINE phone's id, for those on LINE

    @property
    def owner(self) -> PhoneOwner:
        """The Telegram phone."""
        return PhoneOwner(self.user_id, self.row.name, _role(self.row), self.row.agency)

    @property
    def line_owner(self) -> PhoneOwner | None:
        """The LINE phone, for those on LINE."""
        if self.line_phone is None:
            return None
        role, unit = _role(self.row), self.row.agency
        return PhoneOwner(self.line_phone, self.row.name, role, unit, channel="line")


def _role(row: RosterRow) -> str:
    """The group the chooser shows the person in."""
    if row.position.startswith(texts.GOVERNOR_POSITION):
        return texts.ROLE_GOVERNOR
    if row.position.startswith(texts.DEPUTY_POSITION):
        return texts.ROLE_DEPUTY
    if Role.REPORTER not in row.roles and Role.ADMIN in row.roles:
        return texts.ROLE_ADMIN
    if row.district_code:
        return texts.ROLE_DISTRICT_CHIEF
    return texts.ROLE_AGENCY_HEAD


def sample_people(province: str, roster: Path = SAMPLE_ROSTER) -> list[SandboxPerson]:
    """Everyone on the sample roster, in its order, with their simulated users."""
    parsed = roster_csv.parse(roster.read_bytes(), provinces.load(province))
    if parsed.errors:
        raise ValueError(f"{roster}: {'; '.join(str(e) for e in parsed.errors)}")
    people = []
    for i, row in enumerate(parsed.rows):
        on_line = row.roster_id in LINE_ONLY | LINE_TOO
        people.append(
            SandboxPerson(
                row,
                FIRST_USER_ID + i,
                on_telegram=row.roster_id not in LINE_ONLY,
                line_phone=FIRST_LINE_PHONE + i if on_line else None,
            )
        )
    return people
