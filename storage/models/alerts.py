"""The transactional outbox and who an incident's alert was meant for."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base
from storage.models.enums import Channel, DeliveryKind, DeliveryStatus, RecipientRole, string_enum
from storage.models.incident import Incident


class Delivery(Base):
    """One message (or edit) to send; written in the transaction that decided to send it."""

    __tablename__ = "delivery"
    __table_args__ = (
        Index("ix_delivery_due", "status", "next_attempt_at"),
        Index("ix_delivery_chat_status", "chat_id", "status"),
        # A Telegram reply names a message by chat and id: find the delivery behind it.
        Index("ix_delivery_chat_message", "chat_id", "telegram_message_id"),
        # The head of each lane: rows with one lane go out one after another, in order.
        Index("ix_delivery_pending_lane", "status", "lane", "id"),
        # A LINE reply quoting an alert names it by LINE's message id: find the delivery.
        Index("ix_delivery_external_message", "external_message_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DeliveryKind] = mapped_column(string_enum(DeliveryKind))
    status: Mapped[DeliveryStatus] = mapped_column(
        string_enum(DeliveryStatus), default=DeliveryStatus.PENDING
    )
    # Where it goes: a Telegram chat (`chat_id`), or on another channel the account there
    # (`address`, a LINE user id; `chat_id` is then 0, as no Telegram chat is involved).
    channel: Mapped[Channel] = mapped_column(
        string_enum(Channel, 16), default=Channel.TELEGRAM, server_default=Channel.TELEGRAM.value
    )
    chat_id: Mapped[int] = mapped_column(BigInteger)
    address: Mapped[str] = mapped_column(String(64), default="", server_default=text("''"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incident.id"), index=True)
    # A reply (or an edit) needs the Telegram message id of an earlier delivery.
    reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("delivery.id"))
    edit_of_id: Mapped[int | None] = mapped_column(ForeignKey("delivery.id"))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # While a row is pending, an equal key makes a second request a no-op (coalescing edits).
    pending_key: Mapped[str | None] = mapped_column(String(100), unique=True)

    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    claimed_until: Mapped[datetime | None]
    claim_token: Mapped[str | None] = mapped_column(String(32))
    # The instance (storage.models.intake.Instance) whose claim this is.
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    # Order is kept only within a lane (an alert and its follow-ups, a person's replies).
    lane: Mapped[str | None] = mapped_column(String(80))
    last_error: Mapped[str] = mapped_column(Text, default="")
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    # Written with the row, before the first attempt, for a channel that takes one (LINE's
    # X-Line-Retry-Key): every retry reuses it, so a push whose answer was lost is made once.
    retry_key: Mapped[str | None] = mapped_column(String(36))
    # The channel's id of the message sent, where it is not a Telegram one (LINE's).
    external_message_id: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]

    # Set when enqueueing, so a fan-out is written in one flush; never loaded lazily.
    reply_to: Mapped[Delivery | None] = relationship(
        foreign_keys=[reply_to_id], remote_side=[id], lazy="raise"
    )
    incident: Mapped[Incident | None] = relationship(lazy="raise")


class AlertRecipient(Base):
    """A chat an incident's alert went to; only its person may act on the alert."""

    __tablename__ = "alert_recipient"
    __table_args__ = (
        UniqueConstraint(
            "incident_id", "channel", "chat_id", "address", name="uq_alert_recipient_account"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    # One row per account the alert went to: a person on Telegram and LINE has two.
    channel: Mapped[Channel] = mapped_column(
        string_enum(Channel, 16), default=Channel.TELEGRAM, server_default=Channel.TELEGRAM.value
    )
    chat_id: Mapped[int] = mapped_column(BigInteger)
    address: Mapped[str] = mapped_column(String(64), default="", server_default=text("''"))
    role: Mapped[RecipientRole] = mapped_column(string_enum(RecipientRole))
    alert_delivery_id: Mapped[int | None] = mapped_column(ForeignKey("delivery.id"))
    acknowledged_at: Mapped[datetime | None]
    created_at: Mapped[datetime]

    alert_delivery: Mapped[Delivery | None] = relationship(lazy="raise")
