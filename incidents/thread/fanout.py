"""How the thread's messages reach people: every chat the alert went to, or the reporter.

Each message is a reply under that chat's copy of the alert (or the reporter's status
message), so each chat's thread reads top to bottom. Nothing here talks to a chat app.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.actions import Buttons
from incidents.alerts import recipients
from incidents.outbox import queue as outbox
from incidents.outbox.params import DeliveryParams
from incidents.roster import people as roster
from incidents.text.rich import Text
from storage.models import Delivery, DeliveryKind, Incident, Person


async def to_recipients(
    session: AsyncSession,
    incident: Incident,
    text: Text,
    now: datetime,
    *,
    exclude_person: int | None = None,
    buttons: Buttons = (),
) -> None:
    """A message to every chat the alert went to, as a reply under its copy of the alert."""
    await recipients.to_recipients(
        session,
        incident.id,
        DeliveryKind.MESSAGE,
        DeliveryParams(text=text, buttons=buttons),
        now,
        exclude_person=exclude_person,
    )


async def to_reporter(
    session: AsyncSession,
    incident: Incident,
    text: Text,
    now: datetime,
    buttons: Buttons = (),
) -> None:
    """A message to the reporter, as a reply under their status message for the incident."""
    reporter = await session.get_one(Person, incident.reporter_id)
    chat = roster.reachable_chat(reporter)
    if chat is None:
        return
    progress = await session.scalar(
        select(Delivery).where(
            Delivery.incident_id == incident.id, Delivery.kind == DeliveryKind.PROGRESS
        )
    )
    outbox.enqueue(
        session,
        DeliveryKind.MESSAGE,
        chat,
        now,
        person_id=reporter.id,
        incident_id=incident.id,
        reply_to=progress if progress is not None and progress.chat_id == chat else None,
        params=DeliveryParams(text=text, buttons=buttons),
    )
