"""Finding one's way in the thread: open incidents, one incident's menu, what a reply is to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from incidents import access
from incidents.access import Access
from incidents.core import Core
from incidents.outbox import params as outbox_params
from incidents.policy import Action
from incidents.text import thread as t
from incidents.text.fitting import shorten
from incidents.text.rich import Text
from storage.models import Channel, Delivery, Incident, IncidentStatus, Person

OPEN_LIST_LIMIT = 30
# Places are cut to this length in the list of open incidents.
OPEN_PLACE_LIMIT = 60


async def open_incidents(core: Core, person: Person) -> Sequence[Incident]:
    """Open incidents the person may see: their agency's, or all for executives/admins."""
    query = select(Incident).where(
        Incident.status != IncidentStatus.CLOSED,
        *access.visible_incidents(person.id, person.agency_id, person.roles),
    )
    async with core.reading() as session:
        found = await session.scalars(
            query.order_by(Incident.created_at.desc()).limit(OPEN_LIST_LIMIT)
        )
        return found.all()


async def open_list(core: Core, person: Person, limit: int) -> tuple[Text, Sequence[Incident]]:
    """The open incidents the person may see as one message of at most `limit` characters
    (newest first, each with its age, urgency, status and place), and the incidents; an
    empty list says there are none."""
    incidents = await open_incidents(core, person)
    if not incidents:
        return Text(t.NO_OPEN_INCIDENTS), incidents
    now = core.clock.now()
    lines = [
        t.open_list_item(
            i.reference,
            t.age(i.created_at, now),
            t.urgency_label(i.urgency),
            i.status,
            i.acknowledged_at is not None,
            shorten(i.place, OPEN_PLACE_LIMIT),
            drill=i.drill_id is not None,
        )
        for i in incidents
    ]
    return t.open_list(lines, limit), incidents


async def menu(core: Core, person: Person, incident_id: int) -> Access:
    """The incident and what the person may do with it (refused, audited, if they may not see
    it)."""
    async with core.unit() as uow:
        return await access.authorize(uow.session, incident_id, person, Action.VIEW, uow.now)


@dataclass(frozen=True, slots=True)
class ReplyTarget:
    """The incident a reply was to, the replier's access, and the request it may answer."""

    access: Access
    request_id: int | None

    @property
    def incident_id(self) -> int:
        """The incident replied about."""
        return self.access.incident.id


async def quoted_target(
    core: Core, person: Person, channel: Channel, external_id: str
) -> ReplyTarget | None:
    """What a message quoting the bot's message `external_id` on `channel` (LINE's quote) is
    about; None unless that message went to this person and belongs to an incident. Refused
    (audited) unless the person may see the incident."""
    async with core.unit() as uow:
        found = await uow.session.scalar(
            select(Delivery).where(
                Delivery.external_message_id == external_id,
                Delivery.channel == channel,
                Delivery.person_id == person.id,
            )
        )
        if found is None or found.incident_id is None:
            return None
        allowed = await access.authorize(
            uow.session, found.incident_id, person, Action.VIEW, uow.now
        )
    return ReplyTarget(allowed, outbox_params.read(found).request_id())


async def reply_target(
    core: Core, person: Person, chat_id: int, message_id: int
) -> ReplyTarget | None:
    """What a reply to the bot's message `message_id` in `chat_id` is about; None when that
    message belongs to no incident. Refused (audited) unless the person may see the incident."""
    async with core.unit() as uow:
        found = await uow.session.scalar(
            select(Delivery).where(
                Delivery.chat_id == chat_id, Delivery.telegram_message_id == message_id
            )
        )
        if found is None or found.incident_id is None:
            return None
        allowed = await access.authorize(
            uow.session, found.incident_id, person, Action.VIEW, uow.now
        )
    return ReplyTarget(allowed, outbox_params.read(found).request_id())
