"""What a roster person is told about themselves: the greeting, /help and /whoami."""

from __future__ import annotations

from incidents import text as texts
from incidents.core import Core
from incidents.text import commands
from incidents.text.rich import Text
from incidents.thaidate import format_datetime
from storage.models import Person


def welcome(person: Person, *, again: bool) -> Text:
    """The greeting for a person, with what their roles let them do."""
    return texts.welcome(
        person.name,
        person.position,
        person.agency.name,
        person.roles,
        commands.for_roles(person.roles),
        again=again,
    )


def help_for(person: Person) -> Text:
    """/help: what the person can do, and their commands."""
    return texts.help_text(person.roles, commands.for_roles(person.roles))


def whoami(core: Core, person: Person) -> Text:
    """/whoami: what the roster holds about the person, dates in the deployment's zone."""
    joined = format_datetime(person.joined_at, core.rules.tz) if person.joined_at else None
    return texts.whoami(
        person.name,
        person.position,
        person.agency.name,
        person.district.name_th if person.district else None,
        person.phone,
        person.roles,
        joined,
    )
