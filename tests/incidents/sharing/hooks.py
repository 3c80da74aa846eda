"""Helpers of the webhook tests."""

from __future__ import annotations

from sqlalchemy import select

from incidents.core import Core
from incidents.outbox.delivery import OutcomeKind, SendOutcome
from incidents.outbox.render import Rendered
from storage.models import Channel, Delivery, EventKind, Incident


class AdminsTelegram:
    """Telegram as these tests meet it: only the admins' notices go there, and are taken."""

    def __init__(self) -> None:
        self.sent: list[int] = []

    async def send(
        self, chat_id: int, rendered: Rendered, reply_to: int | None, target: int | None
    ) -> SendOutcome:
        assert rendered.webhook is None, "a webhook event was sent to Telegram"
        self.sent.append(chat_id)
        return SendOutcome(OutcomeKind.SENT, message_id=len(self.sent))


async def record(core: Core, reference: str, kind: EventKind, **data: str) -> None:
    """A timeline entry recorded as the use cases record them (listeners run)."""
    async with core.unit() as uow:
        incident = await uow.session.scalar(select(Incident).where(Incident.reference == reference))
        assert incident is not None
        await core.events.record(uow.session, incident.id, kind, uow.now, **data)


async def webhook_rows(core: Core) -> list[Delivery]:
    async with core.reading() as session:
        found = await session.scalars(
            select(Delivery).where(Delivery.channel == Channel.WEBHOOK).order_by(Delivery.id)
        )
        return list(found)
