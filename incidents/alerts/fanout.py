"""Fan-out on filing: the alert to every executive and the war room, the reporter's status."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from incidents.alerts import recipients
from incidents.config import Rules
from incidents.drills import series
from incidents.outbox import queue as outbox
from incidents.related import similar
from incidents.roster import people as roster
from incidents.text import alert as t
from storage.models import DeliveryKind, Incident, IncidentEvent, RecipientRole

log = logging.getLogger(__name__)


async def on_filed(
    session: AsyncSession,
    event: IncidentEvent,
    rules: Rules,
    province_id: int,
    *,
    send_now: bool,
) -> None:
    """Queue the alert to every executive (and the war room) with the incident itself.

    With `send_now` the alerts are claimed by the filing transaction, for this process to send
    the moment it commits.
    """
    incident = await session.get_one(Incident, event.incident_id)
    now = event.at
    executives = await recipients.executives(session, province_id)
    # A drill's incident pages its participants only: never anyone else, nor the war room.
    allowed = await series.pageable(session, incident)
    if allowed is not None:
        executives = [p for p in executives if p.id in allowed]
    # Each on every channel they are reached on (Telegram, LINE or both).
    joined = [p for p in executives if recipients.reachable(p)]
    missing = [p for p in executives if not recipients.reachable(p)]
    # A second report of an open incident says so in its alert (`อาจเป็นเหตุเดียวกับ …`).
    related = await similar.suggest(session, incident, rules.related_window, now)
    for person in joined:
        await recipients.alert_person(
            session,
            incident,
            person,
            RecipientRole.EXECUTIVE,
            now,
            send_now=send_now,
            related=related,
        )
    if rules.war_room_chat_id is not None and allowed is None:
        await recipients.alert_chat(
            session,
            incident,
            rules.war_room_chat_id,
            None,
            RecipientRole.WAR_ROOM,
            now,
            send_now=send_now,
            related=related,
        )
    reporter_chat = roster.reachable_chat(incident.reporter)
    if reporter_chat is not None:
        outbox.enqueue(
            session,
            DeliveryKind.PROGRESS,
            reporter_chat,
            now,
            person_id=incident.reporter_id,
            incident_id=incident.id,
        )
    if missing:
        names = [f"{p.name} ({p.position})" for p in missing]
        await recipients.notify_admins(
            session,
            province_id,
            t.executives_not_joined(incident.reference, names),
            now,
            only=allowed,
        )
    incident.next_reminder_at = now + rules.ack_deadline(incident.urgency)
    incident.reminder_round = 0
    log.info(
        "incident %s: alert queued for %d executives%s%s",
        incident.reference,
        len(joined),
        " and the war room" if rules.war_room_chat_id else "",
        f", may be the same as {', '.join(h.reference for h in related)}" if related else "",
    )
