"""The alert jobs of one deployment, bound to its rules: fan-out on filing, acknowledgement,
reminders and escalation, and what a settled delivery means.

Each job lives in a module of its own (fanout, acknowledgement, reminders, outcomes); this
object only holds what they share. Everything writes rows inside the caller's unit of work;
nothing talks to a chat app. The composition root subscribes `on_filed` to the filing event.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from incidents.alerts import acknowledgement, fallback, fanout, outcomes, recipients, reminders
from incidents.alerts.acknowledgement import AckOutcome, AckResult
from incidents.alerts.recipients import to_recipients
from incidents.config import Rules
from incidents.core import Core
from incidents.events import EventBus
from incidents.text.rich import Text
from storage.models import Delivery, IncidentEvent

__all__ = ["AckOutcome", "AckResult", "Alerts", "to_recipients"]


class Alerts:
    """Alert decisions for one deployment."""

    def __init__(self, core: Core) -> None:
        self.core = core
        # Alerts claimed by the filing transaction and sent by this process on commit.
        self.send_on_commit = True

    @property
    def rules(self) -> Rules:
        """The deployment's rules, as the core holds them now."""
        return self.core.rules

    @property
    def province_id(self) -> int:
        """The province this deployment serves."""
        return self.core.province_id

    @property
    def bus(self) -> EventBus:
        """The bus the alert's timeline entries are recorded on."""
        return self.core.events

    async def on_filed(self, session: AsyncSession, event: IncidentEvent) -> None:
        """Queue the alert to every executive (and the war room) with the incident itself."""
        await fanout.on_filed(
            session, event, self.rules, self.province_id, send_now=self.send_on_commit
        )

    async def refresh_progress(
        self, session: AsyncSession, incident_id: int, now: datetime
    ) -> None:
        """Re-render the reporter's status message."""
        await acknowledgement.refresh_progress(session, incident_id, now)

    async def on_delivered(self, session: AsyncSession, delivery: Delivery, now: datetime) -> None:
        """After a delivery settled: update the reporter's progress; clear unreachability."""
        await outcomes.on_delivered(session, delivery, now)

    async def on_unreachable(
        self, session: AsyncSession, delivery: Delivery, reason: str, now: datetime
    ) -> None:
        """The channel refused the chat for good: mark the person and tell the admins once."""
        await outcomes.on_unreachable(session, delivery, reason, now, self.province_id)

    async def on_gave_up(
        self,
        session: AsyncSession,
        delivery: Delivery,
        error: str,
        now: datetime,
        *,
        too_old: bool = False,
    ) -> None:
        """A delivery given up (on unexpected errors, or refused for too long): tell the
        admins."""
        await outcomes.on_gave_up(session, delivery, error, now, self.province_id, too_old=too_old)

    async def on_exhausted(self, session: AsyncSession, delivery: Delivery, now: datetime) -> None:
        """The channel refused the delivery for its paid allowance: reach the person another
        way, or tell the admins."""
        await fallback.on_exhausted(session, delivery, now, self.province_id)

    async def notify_admins(
        self, session: AsyncSession, text: Text, now: datetime, exclude_chat: int | None = None
    ) -> None:
        """Queue a notice to every admin who has joined."""
        await recipients.notify_admins(session, self.province_id, text, now, exclude_chat)

    async def fire_due(self, session: AsyncSession, now: datetime) -> int:
        """Remind and escalate every unacknowledged incident past its deadline."""
        return await reminders.fire_due(session, now, self.rules, self.province_id, self.bus)

    async def next_due(self, session: AsyncSession) -> datetime | None:
        """When the next reminder is due."""
        return await reminders.next_due(session)
