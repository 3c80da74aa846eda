"""What arrives and who is working on it: the durable inbox and the running instances.

Every update a channel delivers is committed here before the channel is told it arrived;
instances (the processes of one deployment) claim inbox rows and outbox rows in their own name
and keep a heartbeat, so a dead one's claims are free again within seconds.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.models.enums import string_enum


class InboxStatus(StrEnum):
    """Where an incoming update is."""

    PENDING = "pending"
    DONE = "done"
    # Handling it failed again and again (a bug): kept for the operator, not retried.
    FAILED = "failed"


class InboxUpdate(Base):
    """One update as the channel delivered it, kept until it has been handled."""

    __tablename__ = "inbox_update"
    __table_args__ = (
        # A channel delivers an update again when it did not hear that it arrived.
        UniqueConstraint("channel", "external_id", name="uq_inbox_update_channel_external_id"),
        # The head of each lane: the oldest pending update of one person.
        Index("ix_inbox_update_pending_lane", "status", "lane", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    # Updates with the same lane (one person, or a chat) are handled one at a time, in order.
    lane: Mapped[str] = mapped_column(String(80))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[InboxStatus] = mapped_column(
        string_enum(InboxStatus), default=InboxStatus.PENDING
    )
    received_at: Mapped[datetime] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    handled_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")


class Instance(Base):
    """A running process of the deployment, by its stable name, with its last heartbeat."""

    __tablename__ = "instance"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Each start gets a new one, so a log line can tell two lives of one name apart.
    incarnation: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime]
    heartbeat_at: Mapped[datetime] = mapped_column(index=True)
