"""What a settled delivery means for the alert: the reporter's progress, unreachable people."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from incidents import audit
from incidents.alerts import recipients
from incidents.alerts.acknowledgement import refresh_progress
from incidents.audit import Actor, ActorSource
from incidents.core import Core
from incidents.outbox import webhook
from incidents.roster import accounts
from incidents.roster.accounts import Account
from incidents.text import alert as t
from incidents.text import sharing as sharing_text
from storage.models import (
    AuditAction,
    AuditEvent,
    Channel,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Incident,
    Person,
    PersonRole,
    Role,
    Subscriber,
)

log = logging.getLogger(__name__)

# A receiver that keeps failing is named to the admins at most this often.
GAVE_UP_NOTICE_INTERVAL = timedelta(days=1)


async def on_delivered(session: AsyncSession, delivery: Delivery, now: datetime) -> None:
    """After a delivery settled: update the reporter's progress; clear unreachability."""
    sent = delivery.status is DeliveryStatus.SENT
    if delivery.person_id is not None and sent and delivery.channel is Channel.TELEGRAM:
        person = await session.get(Person, delivery.person_id)
        if person is not None and person.unreachable_since is not None:
            person.unreachable_since = None
    if delivery.kind is DeliveryKind.ALERT and delivery.incident_id is not None:
        await refresh_progress(session, delivery.incident_id, now)


async def on_unreachable(
    session: AsyncSession, delivery: Delivery, reason: str, now: datetime, province_id: int
) -> None:
    """The channel refused the chat for good: mark the person and tell the admins once (a
    webhook receiver that answered Gone is revoked, so later events are not sent to it)."""
    if delivery.channel is Channel.WEBHOOK:
        subscriber = await session.get(Subscriber, int(delivery.address))
        if subscriber is None or subscriber.revoked_at is not None:
            return
        subscriber.revoked_at = now
        audit.record(
            session,
            AuditAction.SUBSCRIBER_REVOKED,
            Actor(source=ActorSource.DISPATCHER),
            now,
            subject_type="subscriber",
            subject_id=subscriber.id,
            name=subscriber.name,
            reason=reason,
        )
        await recipients.notify_admins(
            session,
            province_id,
            t.unreachable_to_admins(sharing_text.receiver(subscriber.name), reason),
            now,
        )
        return
    person = await session.get(Person, delivery.person_id) if delivery.person_id else None
    if person is not None:
        if person.unreachable_since is not None:
            return
        person.unreachable_since = now
    name = await _named(session, delivery, person)
    audit.record(
        session,
        AuditAction.RECIPIENT_UNREACHABLE,
        Actor(source=ActorSource.DISPATCHER),
        now,
        subject_type="person" if person else "chat",
        subject_id=person.id if person else delivery.chat_id,
        reason=reason,
    )
    await recipients.notify_admins(
        session,
        province_id,
        t.unreachable_to_admins(name, reason),
        now,
        exclude_chat=delivery.chat_id,
    )


async def _named(session: AsyncSession, delivery: Delivery, person: Person | None) -> str:
    """Whom a delivery was for, as the admins' notice names them."""
    if person is not None:
        return f"{person.name} ({person.position})"
    if delivery.channel is Channel.WEBHOOK:
        subscriber = await session.get(Subscriber, int(delivery.address))
        return sharing_text.receiver(subscriber.name if subscriber else delivery.address)
    return f"chat {delivery.chat_id}"


async def on_gave_up(
    session: AsyncSession,
    delivery: Delivery,
    error: str,
    now: datetime,
    province_id: int,
    *,
    too_old: bool = False,
) -> None:
    """A delivery failed on unexpected errors until it was given up: tell the admins whom it
    did not reach (except of a message to an admin, which may be one of these notices: a
    fault in them must not go round the admins)."""
    if delivery.channel is Channel.WEBHOOK:
        await _receiver_gave_up(session, delivery, error, now, province_id, too_old=too_old)
        return
    person = await session.get(Person, delivery.person_id) if delivery.person_id else None
    if delivery.kind is DeliveryKind.MESSAGE and person is not None:
        is_admin = await session.scalar(
            select(PersonRole.person_id).where(
                PersonRole.person_id == person.id, PersonRole.role == Role.ADMIN
            )
        )
        if is_admin is not None:
            log.error("delivery %s to an admin given up; not reported to the admins", delivery.id)
            return
    name = await _named(session, delivery, person)
    incident = await session.get(Incident, delivery.incident_id) if delivery.incident_id else None
    await recipients.notify_admins(
        session,
        province_id,
        t.delivery_failed_to_admins(name, incident.reference if incident else None),
        now,
        exclude_chat=delivery.chat_id,
    )


async def _receiver_gave_up(
    session: AsyncSession,
    delivery: Delivery,
    error: str,
    now: datetime,
    province_id: int,
    *,
    too_old: bool,
) -> None:
    """A webhook event given up: audited, and the admins told. An event its receiver refused
    for too long is told once a day per receiver while it keeps failing (one notice, not one
    per event); one given up on unexpected errors is told as any other failed delivery."""
    # Locked, so two replicas giving up this receiver's events at once tell the admins once.
    subscriber = await session.get(Subscriber, int(delivery.address), with_for_update=True)
    if subscriber is None:
        return
    audit.record(
        session,
        AuditAction.WEBHOOK_GAVE_UP,
        Actor(source=ActorSource.DISPATCHER),
        now,
        subject_type="subscriber",
        subject_id=subscriber.id,
        delivery=delivery.retry_key,
        error=error,
    )
    if not too_old:
        incident = await session.get(Incident, delivery.incident_id or 0)
        name = sharing_text.receiver(subscriber.name)
        notice = t.delivery_failed_to_admins(name, incident.reference if incident else None)
        await recipients.notify_admins(session, province_id, notice, now)
        return
    told_lately = await session.scalar(
        select(AuditEvent.id)
        .where(
            AuditEvent.action == AuditAction.WEBHOOK_RECEIVER_FAILING,
            AuditEvent.subject_id == str(subscriber.id),
            AuditEvent.at > now - GAVE_UP_NOTICE_INTERVAL,
        )
        .limit(1)
    )
    if told_lately is not None:
        return
    audit.record(
        session,
        AuditAction.WEBHOOK_RECEIVER_FAILING,
        Actor(source=ActorSource.DISPATCHER),
        now,
        subject_type="subscriber",
        subject_id=subscriber.id,
    )
    days = webhook.GIVE_UP_AFTER.days
    notice = sharing_text.receiver_gave_up(subscriber.name, subscriber.id, days, error)
    await recipients.notify_admins(session, province_id, notice, now)


async def account_blocked(core: Core, account: Account) -> Person | None:
    """The person blocked the account on a channel that reports it (LINE's unfollow): mark
    them unreachable there and, the first time, audit it and tell the admins, as when
    Telegram refuses a chat; the person, None for an account bound to nobody."""
    async with core.unit() as uow:
        person = await accounts.person_of(uow.session, account)
        if person is None or not account.mark_reachable(person, uow.now, reachable=False):
            return person
        if not person.active:
            return person
        reason = t.BLOCKED_ON[account.channel]
        audit.record(
            uow.session,
            AuditAction.RECIPIENT_UNREACHABLE,
            Actor(source=ActorSource.DISPATCHER),
            uow.now,
            subject_type="person",
            subject_id=person.id,
            reason=reason,
            channel=account.channel.value,
        )
        text = t.unreachable_to_admins(f"{person.name} ({person.position})", reason)
        await recipients.notify_admins(uow.session, core.province_id, text, uow.now)
        return person
