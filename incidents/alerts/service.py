"""Deciding who is alerted, recording acknowledgement, and firing reminders and escalation.

Everything here writes rows (recipients, outbox deliveries, timers) inside the caller's unit of
work; nothing talks to Telegram.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from incidents import access, audit
from incidents.audit import Actor
from incidents.events import EventBus
from incidents.outbox import queue as outbox
from incidents.policy import Action
from incidents.roster import people as roster
from incidents.text import alert as t
from storage.models import (
    AlertRecipient,
    AuditAction,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    EventKind,
    Incident,
    IncidentEvent,
    IncidentStatus,
    Person,
    PersonRole,
    RecipientRole,
    Role,
)

log = logging.getLogger(__name__)


class AckOutcome(StrEnum):
    """What pressing acknowledge did."""

    ACKNOWLEDGED = "acknowledged"
    ALREADY = "already"


@dataclass(frozen=True, slots=True)
class AckResult:
    """The outcome, with the incident."""

    outcome: AckOutcome
    incident: Incident


class Alerts:
    """Alert decisions for one deployment."""

    def __init__(self, settings: Settings, province_id: int, bus: EventBus) -> None:
        self.settings = settings
        # Alerts claimed by the filing transaction and sent by this process on commit.
        self.send_on_commit = True
        self.province_id = province_id
        self.bus = bus
        bus.subscribe(EventKind.FILED, self.on_filed)

    # ------------------------------------------------------------------ fan-out
    async def on_filed(self, session: AsyncSession, event: IncidentEvent) -> None:
        """Queue the alert to every executive (and the war room) with the incident itself."""
        incident = await session.get_one(Incident, event.incident_id)
        now = event.at
        executives = await _executives(session, self.province_id)
        joined = [p for p in executives if p.telegram_user_id is not None]
        missing = [p for p in executives if p.telegram_user_id is None]
        for person in joined:
            assert person.telegram_user_id is not None
            await self._alert_chat(
                session, incident, person.telegram_user_id, person.id, RecipientRole.EXECUTIVE, now
            )
        if self.settings.war_room_chat_id is not None:
            await self._alert_chat(
                session, incident, self.settings.war_room_chat_id, None, RecipientRole.WAR_ROOM, now
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
            await self.notify_admins(
                session, t.executives_not_joined(incident.reference, names), now
            )
        incident.next_reminder_at = now + self.settings.ack_deadline(incident.urgency)
        incident.reminder_round = 0
        log.info(
            "incident %s: alert queued for %d executives%s",
            incident.reference,
            len(joined),
            " and the war room" if self.settings.war_room_chat_id else "",
        )

    async def _alert_chat(
        self,
        session: AsyncSession,
        incident: Incident,
        chat_id: int,
        person_id: int | None,
        role: RecipientRole,
        now: datetime,
        intro: str = "",
    ) -> None:
        """The alert to one chat, then its location and attachments as replies to it."""
        params = {"intro": intro} if intro else {}
        alert = outbox.enqueue(
            session,
            DeliveryKind.ALERT,
            chat_id,
            now,
            person_id=person_id,
            incident=incident,
            params=params,
            send_now=self.send_on_commit,
        )
        session.add(
            AlertRecipient(
                incident_id=incident.id,
                person_id=person_id,
                chat_id=chat_id,
                role=role,
                alert_delivery=alert,
                created_at=now,
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
            )
        for attachment in incident.attachments:
            outbox.enqueue(
                session,
                DeliveryKind.ATTACHMENT,
                chat_id,
                now,
                person_id=person_id,
                incident_id=incident.id,
                reply_to=alert,
                params={"attachment_id": attachment.id},
            )

    # ---------------------------------------------------------- acknowledgement
    async def acknowledge(
        self, session: AsyncSession, incident_id: int, person: Person, now: datetime
    ) -> AckResult:
        """Record that `person` has the incident; the first acknowledgement stops the timers.

        Refused (AccessRefused, audited) unless the policy lets the person acknowledge.
        """
        allowed = await access.authorize(
            session, incident_id, person, Action.ACKNOWLEDGE, now, lock=True
        )
        incident = allowed.incident
        recipient = await session.scalar(
            select(AlertRecipient).where(
                AlertRecipient.incident_id == incident.id, AlertRecipient.person_id == person.id
            )
        )
        assert recipient is not None  # the policy lets only recipients acknowledge
        if recipient.acknowledged_at is None:
            recipient.acknowledged_at = now
        if incident.acknowledged_at is not None:
            return AckResult(AckOutcome.ALREADY, incident)

        incident.acknowledged_at = now
        incident.acknowledged_by_id = person.id
        incident.next_reminder_at = None
        if incident.status is IncidentStatus.REPORTED:
            incident.status = IncidentStatus.ACKNOWLEDGED
        incident.updated_at = now
        await self.bus.record(
            session, incident.id, EventKind.ACKNOWLEDGED, now, actor_person_id=person.id
        )
        await self._refresh_alerts(session, incident.id, now)
        await self.refresh_progress(session, incident.id, now)
        reporter_chat = roster.reachable_chat(incident.reporter)
        if reporter_chat is not None:
            text = t.reporter_acknowledged(
                incident.reference, person.name, person.position, now, self.settings.tz
            )
            outbox.enqueue(
                session,
                DeliveryKind.MESSAGE,
                reporter_chat,
                now,
                person_id=incident.reporter_id,
                incident_id=incident.id,
                params={"text": text},
            )
        await session.refresh(incident, ["acknowledged_by"])
        return AckResult(AckOutcome.ACKNOWLEDGED, incident)

    async def _refresh_alerts(self, session: AsyncSession, incident_id: int, now: datetime) -> None:
        """Re-render every copy of the alert (they show who acknowledged)."""
        recipients = await session.scalars(
            select(AlertRecipient).where(AlertRecipient.incident_id == incident_id)
        )
        for recipient in recipients:
            if recipient.alert_delivery_id is not None:
                await outbox.enqueue_once(
                    session,
                    f"alert-edit:{recipient.alert_delivery_id}",
                    DeliveryKind.ALERT_EDIT,
                    recipient.chat_id,
                    now,
                    incident_id=incident_id,
                    edit_of_id=recipient.alert_delivery_id,
                )

    async def refresh_progress(
        self, session: AsyncSession, incident_id: int, now: datetime
    ) -> None:
        """Re-render the reporter's status message."""
        progress = await session.scalar(
            select(Delivery).where(
                Delivery.incident_id == incident_id, Delivery.kind == DeliveryKind.PROGRESS
            )
        )
        if progress is not None:
            await outbox.enqueue_once(
                session,
                f"progress-edit:{incident_id}",
                DeliveryKind.PROGRESS_EDIT,
                progress.chat_id,
                now,
                incident_id=incident_id,
                edit_of_id=progress.id,
            )

    # ------------------------------------------------------- delivery outcomes
    async def on_delivered(self, session: AsyncSession, delivery: Delivery, now: datetime) -> None:
        """After a delivery settled: update the reporter's progress; clear unreachability."""
        if delivery.person_id is not None and delivery.status is DeliveryStatus.SENT:
            person = await session.get(Person, delivery.person_id)
            if person is not None and person.unreachable_since is not None:
                person.unreachable_since = None
        if delivery.kind is DeliveryKind.ALERT and delivery.incident_id is not None:
            await self.refresh_progress(session, delivery.incident_id, now)

    async def on_unreachable(
        self, session: AsyncSession, delivery: Delivery, reason: str, now: datetime
    ) -> None:
        """Telegram refused the chat for good: mark the person and tell the admins once."""
        person = await session.get(Person, delivery.person_id) if delivery.person_id else None
        if person is not None:
            if person.unreachable_since is not None:
                return
            person.unreachable_since = now
            name = f"{person.name} ({person.position})"
        else:
            name = f"chat {delivery.chat_id}"
        audit.record(
            session,
            AuditAction.RECIPIENT_UNREACHABLE,
            Actor(source="dispatcher"),
            now,
            subject_type="person" if person else "chat",
            subject_id=person.id if person else delivery.chat_id,
            reason=reason,
        )
        await self.notify_admins(
            session, t.unreachable_to_admins(name, reason), now, exclude_chat=delivery.chat_id
        )

    async def notify_admins(
        self, session: AsyncSession, text: str, now: datetime, exclude_chat: int | None = None
    ) -> None:
        """Queue a notice to every admin who has joined."""
        for admin in await roster.reachable_with_role(session, self.province_id, Role.ADMIN):
            if admin.telegram_user_id is not None and admin.telegram_user_id != exclude_chat:
                outbox.enqueue(
                    session,
                    DeliveryKind.MESSAGE,
                    admin.telegram_user_id,
                    now,
                    person_id=admin.id,
                    params={"text": text},
                )

    # ------------------------------------------------- reminders and escalation
    async def fire_due(self, session: AsyncSession, now: datetime) -> int:
        """Remind and escalate every unacknowledged incident past its deadline."""
        due = (
            await session.scalars(
                select(Incident)
                .where(Incident.next_reminder_at <= now, Incident.acknowledged_at.is_(None))
                .order_by(Incident.next_reminder_at)
                .with_for_update(of=Incident, skip_locked=True)
            )
        ).all()
        for incident in due:
            await self._fire_round(session, incident, now)
        return len(due)

    async def next_due(self, session: AsyncSession) -> datetime | None:
        """When the next reminder is due."""
        return await session.scalar(
            select(Incident.next_reminder_at)
            .where(Incident.next_reminder_at.is_not(None), Incident.acknowledged_at.is_(None))
            .order_by(Incident.next_reminder_at)
            .limit(1)
        )

    async def _fire_round(self, session: AsyncSession, incident: Incident, now: datetime) -> None:
        deadline = self.settings.ack_deadline(incident.urgency)
        # The round the clock is in; after downtime, skip the rounds missed rather than send
        # a burst of stale reminders.
        elapsed_rounds = int((now - incident.created_at) / deadline)
        round_no = min(
            self.settings.escalation_max_rounds,
            max(incident.reminder_round + 1, elapsed_rounds),
        )
        minutes = int((now - incident.created_at).total_seconds() // 60)
        await to_recipients(
            session,
            incident.id,
            DeliveryKind.REMINDER,
            {"round": round_no, "minutes": minutes},
            now,
            skip_war_room=True,
        )
        recipients = (
            await session.scalars(
                select(AlertRecipient).where(AlertRecipient.incident_id == incident.id)
            )
        ).all()
        escalated: list[str] = []
        if round_no >= 2:
            escalated = await self._escalate(session, incident, recipients, minutes, now)
        kind = EventKind.ESCALATED if escalated else EventKind.REMINDED
        await self.bus.record(
            session, incident.id, kind, now, round=round_no, escalated_to=escalated
        )
        incident.reminder_round = round_no
        if round_no >= self.settings.escalation_max_rounds:
            incident.next_reminder_at = None
            await self.notify_admins(
                session, t.unacknowledged_to_admins(incident.reference, round_no), now
            )
        else:
            incident.next_reminder_at = incident.created_at + deadline * (round_no + 1)
        log.info(
            "incident %s: reminder round %d (escalated to %d)",
            incident.reference,
            round_no,
            len(escalated),
        )

    async def _escalate(
        self,
        session: AsyncSession,
        incident: Incident,
        recipients: Sequence[AlertRecipient],
        minutes: int,
        now: datetime,
    ) -> list[str]:
        """Alert the escalation contacts who have not had this incident yet."""
        have = {r.chat_id for r in recipients}
        added: list[str] = []
        intro = t.escalation_intro(incident, minutes)
        for roster_id in self.settings.escalation_roster_ids:
            person = await session.scalar(
                select(Person).where(
                    Person.province_id == self.province_id,
                    Person.roster_id == roster_id,
                    Person.active.is_(True),
                )
            )
            if person is None or person.telegram_user_id is None:
                log.warning(
                    "escalation contact %s is not on the roster or has not joined", roster_id
                )
                continue
            if person.telegram_user_id in have:
                continue
            await self._alert_chat(
                session,
                incident,
                person.telegram_user_id,
                person.id,
                RecipientRole.ESCALATION,
                now,
                intro=intro,
            )
            added.append(roster_id)
        return added


async def to_recipients(
    session: AsyncSession,
    incident_id: int,
    kind: DeliveryKind,
    params: dict[str, Any],
    now: datetime,
    *,
    skip_war_room: bool = False,
    exclude_person: int | None = None,
) -> None:
    """Queue a delivery to everyone the incident's alert went to, as a reply under that chat's
    copy of the alert (so each chat's thread reads top to bottom). People are reached where the
    roster says now: nobody deactivated, and a person bound to a new account gets it there."""
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


async def _executives(session: AsyncSession, province_id: int) -> Sequence[Person]:
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
