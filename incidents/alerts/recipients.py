"""Who an incident's messages reach: the executives, the alert's recipients, the admins."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.outbox import queue as outbox
from incidents.outbox.params import DeliveryParams
from incidents.related.hints import RelatedHint
from incidents.roster import people as roster
from incidents.text.rich import Text
from storage.models import (
    AlertRecipient,
    Channel,
    Delivery,
    DeliveryKind,
    Incident,
    Person,
    PersonRole,
    Reach,
    RecipientRole,
    Role,
)


async def alert_chat(
    session: AsyncSession,
    incident: Incident,
    chat_id: int,
    person_id: int | None,
    role: RecipientRole,
    now: datetime,
    *,
    intro: Text | None = None,
    send_now: bool = False,
    channel: Channel = Channel.TELEGRAM,
    address: str = "",
    related: tuple[RelatedHint, ...] = (),
) -> None:
    """The alert to one chat (or, on another channel, one account), then its location and
    attachments as replies to it."""
    alert = outbox.enqueue(
        session,
        DeliveryKind.ALERT,
        chat_id,
        now,
        person_id=person_id,
        incident=incident,
        params=DeliveryParams(intro=intro or Text(), related=related),
        send_now=send_now,
        channel=channel,
        address=address,
    )
    session.add(
        AlertRecipient(
            incident_id=incident.id,
            person_id=person_id,
            chat_id=alert.chat_id,
            role=role,
            alert_delivery=alert,
            created_at=now,
            channel=channel,
            address=address,
        )
    )
    if incident.latitude is not None:
        outbox.enqueue(
            session,
            DeliveryKind.LOCATION,
            chat_id,
            now,
            person_id=person_id,
            incident_id=incident.id,
            reply_to=alert,
            channel=channel,
            address=address,
        )
    if channel is not Channel.TELEGRAM:
        return  # files need an address the channel can fetch; the card counts them
    for attachment in incident.attachments:
        outbox.enqueue(
            session,
            DeliveryKind.ATTACHMENT,
            chat_id,
            now,
            person_id=person_id,
            incident_id=incident.id,
            reply_to=alert,
            params=DeliveryParams(attachment_id=attachment.id),
        )


async def alert_person(
    session: AsyncSession,
    incident: Incident,
    person: Person,
    role: RecipientRole,
    now: datetime,
    *,
    intro: Text | None = None,
    send_now: bool = False,
    related: tuple[RelatedHint, ...] = (),
) -> bool:
    """The alert to every channel the person is reached on now (of those the admin chose for
    them); False if none."""
    reached = False
    chat = roster.reachable_chat(person) if person.reach is not Reach.LINE else None
    if chat is not None:
        await alert_chat(
            session,
            incident,
            chat,
            person.id,
            role,
            now,
            intro=intro,
            send_now=send_now,
            related=related,
        )
        reached = True
    line = roster.line_account(person) if person.reach is not Reach.TELEGRAM else None
    if line is not None:
        await alert_chat(
            session,
            incident,
            0,
            person.id,
            role,
            now,
            intro=intro,
            send_now=send_now,
            channel=Channel.LINE,
            address=line,
            related=related,
        )
        reached = True
    return reached


def reachable(person: Person) -> bool:
    """Whether the person's alerts reach them on some channel now."""
    telegram = roster.reachable_chat(person) is not None and person.reach is not Reach.LINE
    line = roster.line_account(person) is not None and person.reach is not Reach.TELEGRAM
    return telegram or line


async def to_recipients(
    session: AsyncSession,
    incident_id: int,
    kind: DeliveryKind,
    params: DeliveryParams,
    now: datetime,
    *,
    skip_war_room: bool = False,
    exclude_person: int | None = None,
    channels: Collection[Channel] = (),
) -> None:
    """Queue a delivery to everyone the incident's alert went to, as a reply under that chat's
    copy of the alert (so each chat's thread reads top to bottom). People are reached where the
    roster says now: nobody deactivated, and a person bound to a new account gets it there.
    With `channels`, only the copies on those channels."""
    rows = (
        await session.execute(
            select(AlertRecipient, Person)
            .outerjoin(Person, Person.id == AlertRecipient.person_id)
            .where(AlertRecipient.incident_id == incident_id)
            .order_by(AlertRecipient.id)
        )
    ).all()
    for recipient, person in rows:
        if skip_war_room and recipient.role is RecipientRole.WAR_ROOM:
            continue
        if exclude_person is not None and recipient.person_id == exclude_person:
            continue
        if channels and recipient.channel not in channels:
            continue
        if recipient.channel is not Channel.TELEGRAM:
            _to_account(session, recipient, person, kind, params, now)
            continue
        chat = recipient.chat_id if recipient.person_id is None else roster.reachable_chat(person)
        if chat is None:
            continue
        alert = await session.get(Delivery, recipient.alert_delivery_id)
        outbox.enqueue(
            session,
            kind,
            chat,
            now,
            person_id=recipient.person_id,
            incident_id=incident_id,
            # Their copy of the alert is in the chat it went to; a new account has none.
            reply_to=alert if alert is not None and alert.chat_id == chat else None,
            params=params,
        )


def _to_account(
    session: AsyncSession,
    recipient: AlertRecipient,
    person: Person | None,
    kind: DeliveryKind,
    params: DeliveryParams,
    now: datetime,
) -> None:
    """The same on a channel of accounts (LINE): each message stands alone there, nothing is
    a reply, and files are left out (the message about them says there are some)."""
    address = roster.line_account(person)
    if address is None or kind is DeliveryKind.ATTACHMENT:
        return
    outbox.enqueue(
        session,
        kind,
        0,
        now,
        person_id=recipient.person_id,
        incident_id=recipient.incident_id,
        params=params,
        channel=recipient.channel,
        address=address,
    )


async def notify_admins(
    session: AsyncSession,
    province_id: int,
    text: Text,
    now: datetime,
    exclude_chat: int | None = None,
    *,
    only: set[int] | None = None,
) -> None:
    """Queue a notice to every admin who has joined (of `only`, when given: a drill's
    participants)."""
    for admin in await roster.reachable_with_role(session, province_id, Role.ADMIN):
        if only is not None and admin.id not in only:
            continue
        if admin.telegram_user_id is not None and admin.telegram_user_id != exclude_chat:
            outbox.enqueue(
                session,
                DeliveryKind.MESSAGE,
                admin.telegram_user_id,
                now,
                person_id=admin.id,
                params=DeliveryParams(text=text),
            )


async def executives(session: AsyncSession, province_id: int) -> Sequence[Person]:
    """Every active executive, joined or not."""
    result = await session.scalars(
        select(Person)
        .join(PersonRole)
        .where(
            Person.province_id == province_id,
            Person.active.is_(True),
            PersonRole.role == Role.EXECUTIVE,
        )
        .order_by(Person.id)
    )
    return result.unique().all()
