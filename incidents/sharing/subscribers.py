"""Issuing, listing and revoking subscribers, as use cases for the admin (today the
`incident-bot subscribers` commands), and recognising a feed reader by its token.

A token or a signing secret is made here from the operating system's random source, shown
once to the admin who issued it, and audited by the subscriber's id and name only, never by
its value.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select

from incidents import audit
from incidents.audit import Actor
from incidents.core import Core
from storage.models import AuditAction, Subscriber, SubscriberKind, WebhookEvent

# 32 random bytes: what a bearer token and a signing secret each carry.
SECRET_BYTES = 32
TOKEN_PREFIX = "cap_"  # noqa: S105 - a prefix that says what a token is for, not a secret
SECRET_PREFIX = "whsec_"  # noqa: S105 - likewise
NAME_LENGTH = 200
URL_LENGTH = 2000


class SubscriberError(ValueError):
    """An admin's request that cannot be carried out, said in a line."""


@dataclass(frozen=True, slots=True)
class Issued:
    """A subscriber just added, with the one time its token or secret is shown."""

    subscriber_id: int
    name: str
    credential: str


@dataclass(frozen=True, slots=True)
class SubscriberEntry:
    """One subscriber as the listing shows it (never its token or secret)."""

    subscriber_id: int
    kind: SubscriberKind
    name: str
    url: str
    events: tuple[str, ...]
    created_at: datetime
    revoked_at: datetime | None


def token_digest(token: str) -> str:
    """What is kept of a feed token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > NAME_LENGTH:
        raise SubscriberError(f"a subscriber's name is 1 to {NAME_LENGTH} characters")
    return cleaned


def checked_url(url: str, *, allow_http: bool) -> str:
    """A webhook address: HTTPS (plain HTTP only when the admin says so, for a receiver on
    the same machine or network), with a host, and no user name or password in it."""
    url = url.strip()
    parts = urlsplit(url)
    schemes = ("https", "http") if allow_http else ("https",)
    if parts.scheme not in schemes or not parts.hostname or len(url) > URL_LENGTH:
        wanted = " or ".join(schemes)
        raise SubscriberError(f"a webhook address is an absolute {wanted} URL")
    if parts.username or parts.password:
        raise SubscriberError("a webhook address carries no user name or password")
    return url


def checked_events(names: Sequence[str]) -> tuple[str, ...]:
    """The events asked for (`incident.filed` or `filed`), each once; all when none is named."""
    known = {event.value: event for event in WebhookEvent}
    short = {event.value.removeprefix("incident."): event for event in WebhookEvent}
    chosen: list[str] = []
    for name in names:
        event = known.get(name) or short.get(name)
        if event is None:
            raise SubscriberError(f"unknown event {name!r}: choose from {', '.join(short)}")
        if event.value not in chosen:
            chosen.append(event.value)
    return tuple(chosen) or tuple(event.value for event in WebhookEvent)


async def add_feed(core: Core, name: str, actor: Actor) -> Issued:
    """A feed reader with a new bearer token (shown once)."""
    name = _name(name)
    token = TOKEN_PREFIX + secrets.token_urlsafe(SECRET_BYTES)
    subscriber_id = await _add(
        core,
        actor,
        kind=SubscriberKind.FEED,
        name=name,
        token_sha256=token_digest(token),
        events=[],
    )
    return Issued(subscriber_id, name, token)


async def add_webhook(
    core: Core, name: str, url: str, events: Sequence[str], actor: Actor, *, allow_http: bool
) -> Issued:
    """A webhook receiver of the chosen events, with a new signing secret (shown once)."""
    name = _name(name)
    url = checked_url(url, allow_http=allow_http)
    chosen = checked_events(events)
    secret = SECRET_PREFIX + secrets.token_urlsafe(SECRET_BYTES)
    subscriber_id = await _add(
        core,
        actor,
        kind=SubscriberKind.WEBHOOK,
        name=name,
        url=url,
        secret=secret,
        events=list(chosen),
    )
    return Issued(subscriber_id, name, secret)


async def _add(core: Core, actor: Actor, **fields: Any) -> int:
    """Write a subscriber and audit it (by id, kind, name and events: never a credential)."""
    async with core.unit() as uow:
        subscriber = Subscriber(province_id=core.province_id, created_at=uow.now, **fields)
        uow.session.add(subscriber)
        await uow.session.flush()
        audit.record(
            uow.session,
            AuditAction.SUBSCRIBER_ADDED,
            actor,
            uow.now,
            subject_type="subscriber",
            subject_id=subscriber.id,
            kind=subscriber.kind.value,
            name=subscriber.name,
            events=list(subscriber.events),
        )
        return subscriber.id


async def revoke(core: Core, subscriber_id: int, actor: Actor) -> str:
    """Revoke a subscriber at once: its token reads nothing more, and nothing more is sent to
    it (deliveries already queued are skipped when their turn comes). Returns its name."""
    async with core.unit() as uow:
        subscriber = await uow.session.get(Subscriber, subscriber_id)
        if subscriber is None or subscriber.province_id != core.province_id:
            raise SubscriberError(f"no subscriber with id {subscriber_id}")
        if subscriber.revoked_at is None:
            subscriber.revoked_at = uow.now
            audit.record(
                uow.session,
                AuditAction.SUBSCRIBER_REVOKED,
                actor,
                uow.now,
                subject_type="subscriber",
                subject_id=subscriber.id,
                name=subscriber.name,
            )
        return subscriber.name


async def listing(core: Core) -> list[SubscriberEntry]:
    """Every subscriber ever issued, the newest last."""
    async with core.reading() as session:
        rows = await session.scalars(
            select(Subscriber)
            .where(Subscriber.province_id == core.province_id)
            .order_by(Subscriber.id)
        )
        return [
            SubscriberEntry(
                s.id,
                s.kind,
                s.name,
                s.url or "",
                tuple(s.events),
                s.created_at,
                s.revoked_at,
            )
            for s in rows
        ]


async def feed_reader(core: Core, token: str) -> Subscriber | None:
    """The feed subscriber a bearer token belongs to, while it is not revoked."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    digest = token_digest(token)
    async with core.reading() as session:
        found = await session.scalar(
            select(Subscriber).where(
                Subscriber.token_sha256 == digest,
                Subscriber.kind == SubscriberKind.FEED,
                Subscriber.province_id == core.province_id,
                Subscriber.revoked_at.is_(None),
            )
        )
    # The lookup is by digest; compare again in constant time all the same.
    if found is None or not hmac.compare_digest(found.token_sha256 or "", digest):
        return None
    return found
