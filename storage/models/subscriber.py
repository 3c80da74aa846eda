"""Other systems that subscribe to the province's incidents: a CAP feed reader or a webhook."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.models.enums import string_enum


class SubscriberKind(StrEnum):
    """How a subscriber hears of incidents."""

    FEED = "feed"  # reads the CAP Atom feed with its token
    WEBHOOK = "webhook"  # is sent each event it asked for, signed with its secret


class WebhookEvent(StrEnum):
    """The events a webhook subscriber may ask for."""

    FILED = "incident.filed"
    ACKNOWLEDGED = "incident.acknowledged"
    STATUS_CHANGED = "incident.status_changed"
    CLOSED = "incident.closed"
    REOPENED = "incident.reopened"


class Subscriber(Base):
    """One subscribing system, issued by an admin and revoked by one.

    A feed reader's token is kept only as its SHA-256 (it is shown once, when issued); a
    webhook's signing secret is kept as it is, since every delivery is signed with it."""

    __tablename__ = "subscriber"

    id: Mapped[int] = mapped_column(primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("province.id"), index=True)
    kind: Mapped[SubscriberKind] = mapped_column(string_enum(SubscriberKind, 16))
    name: Mapped[str] = mapped_column(String(200))
    token_sha256: Mapped[str | None] = mapped_column(String(64), unique=True)
    url: Mapped[str | None] = mapped_column(Text)
    secret: Mapped[str | None] = mapped_column(String(100))
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
