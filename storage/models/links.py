"""Related incidents: a pair pointed out at filing (suggested) and what executives made of it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.models.enums import string_enum


class LinkState(StrEnum):
    """Where a pair of incidents stands."""

    SUGGESTED = "suggested"  # pointed out when the later one was filed; nobody has linked it
    LINKED = "linked"  # an executive or admin said they are the same event
    UNLINKED = "unlinked"  # linked once, then undone (not suggested again)


class IncidentLink(Base):
    """Two incidents that may be, or are, the same event; never merged: both keep their thread.

    A pair is stored once, the smaller incident id first, whichever side it was made from.
    """

    __tablename__ = "incident_link"
    __table_args__ = (
        UniqueConstraint("low_id", "high_id", name="uq_incident_link_pair"),
        CheckConstraint("low_id < high_id", name="order"),
        Index("ix_incident_link_high", "high_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    low_id: Mapped[int] = mapped_column(ForeignKey("incident.id"))
    high_id: Mapped[int] = mapped_column(ForeignKey("incident.id"))
    state: Mapped[LinkState] = mapped_column(string_enum(LinkState, 16))
    created_at: Mapped[datetime]
    # Who linked (or last unlinked) the pair, when, and on which channel.
    changed_at: Mapped[datetime | None]
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    changed_via: Mapped[str] = mapped_column(String(16), default="")

    def other(self, incident_id: int) -> int:
        """The pair's other incident."""
        return self.high_id if incident_id == self.low_id else self.low_id
