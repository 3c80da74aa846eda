"""A person choosing their own channels: which of their bound accounts alerts, reminders,
follow-ups and instructions reach (the admin can choose for them too: `roster reach`).

Shown as a screen of text and buttons that every channel draws its own way. Only channels the
person has joined on (and can be reached on) are offered alone, so nobody can choose to be
reached nowhere; every change is audited as the person's own.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from incidents.actions import Button, Buttons, ChooseReach
from incidents.audit import Actor
from incidents.core import Core
from incidents.roster import people
from incidents.text import reach as t
from incidents.text.rich import Text
from storage.models import Person, Province, Reach

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Screen:
    """What the channel screen shows: a text and its buttons."""

    text: Text
    buttons: Buttons = ()


def _usable(person: Person) -> set[Reach]:
    """The channels the person could be reached on alone."""
    usable = set()
    if person.telegram_user_id is not None and person.unreachable_since is None:
        usable.add(Reach.TELEGRAM)
    if person.line_user_id is not None and person.line_unreachable_since is None:
        usable.add(Reach.LINE)
    return usable


def _channel_state(bound: object, unreachable: object) -> str:
    if bound is None:
        return t.NOT_JOINED
    return t.UNREACHABLE if unreachable is not None else t.JOINED


def _label(reach: Reach, chosen: Reach) -> str:
    """A choice's button; the current one is marked."""
    return ("● " if reach is chosen else "") + t.CHOICES[reach]


def screen_of(person: Person, note: str = "") -> Screen:
    """The person's channels now and, when they have two, the buttons to choose."""
    usable = _usable(person)
    choosing = len(usable) == 2
    text = t.state(
        person.reach,
        _channel_state(person.telegram_user_id, person.unreachable_since),
        _channel_state(person.line_user_id, person.line_unreachable_since),
        note=note,
        choosing=choosing,
    )
    if not choosing:
        return Screen(text)
    buttons = tuple(
        (
            Button(
                label=("● " if reach is person.reach else "") + label,
                action=ChooseReach(reach=reach),
            ),
        )
        for reach, label in t.CHOICES.items()
    )
    return Screen(text, buttons)


async def show(core: Core, person_id: int) -> Screen:
    """The channel screen of a person."""
    async with core.reading() as session:
        person = await session.get_one(Person, person_id)
        return screen_of(person)


async def choose(core: Core, person_id: int, reach: Reach, actor: Actor) -> Screen:
    """Set the person's own choice (audited), unless it would leave them reached nowhere;
    the screen after it, with what happened."""
    async with core.unit() as uow:
        person = await uow.session.get_one(Person, person_id)
        if reach is not Reach.ALL and reach not in _usable(person):
            channel = "Telegram" if reach is Reach.TELEGRAM else "LINE"
            return screen_of(person, t.NOT_BOUND.format(channel=channel))
        if reach is person.reach:
            return screen_of(person, t.UNCHANGED)
        province = await uow.session.get_one(Province, core.province_id)
        await people.set_reach(uow.session, province, person.roster_id, reach, uow.now, actor)
        log.info("person#%s chose to be reached on %s", person.id, reach.value)
        return screen_of(person, t.CHANGED.format(choice=t.CHOICES[reach]))
