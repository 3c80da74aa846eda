"""The sample roster's people, each bound to a simulated Telegram user."""

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


@dataclass(frozen=True)
class SandboxPerson:
    """A roster line and the simulated user who holds its phone."""

    row: RosterRow
    user_id: int

    @property
    def owner(self) -> PhoneOwner:
        return PhoneOwner(self.user_id, self.row.name, _role(self.row), self.row.agency)


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
    """Everyone on the sample roster, in its order, with their simulated user ids."""
    parsed = roster_csv.parse(roster.read_bytes(), provinces.load(province))
    if parsed.errors:
        raise ValueError(f"{roster}: {'; '.join(str(e) for e in parsed.errors)}")
    return [SandboxPerson(row, FIRST_USER_ID + i) for i, row in enumerate(parsed.rows)]
