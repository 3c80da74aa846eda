"""The conversation after an alert: instructions, requests for information, pending input."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.models.enums import PendingInputKind, string_enum


class Instruction(Base):
    """An executive's instruction (ข้อสั่งการ) to the reporter, and whether it was acknowledged."""

    __tablename__ = "instruction"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    from_person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    # The one reminder to the reporter, due at this time unless acknowledged first.
    remind_at: Mapped[datetime | None] = mapped_column(index=True)


class InfoRequest(Base):
    """An executive asking the reporter for more information, and the answer."""

    __tablename__ = "info_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    from_person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    question: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    answer: Mapped[str | None] = mapped_column(Text)


class PendingInput(Base):
    """What the person's next message answers (one at a time per person); kept in the database
    so any process, after any restart, reads it the same way."""

    __tablename__ = "pending_input"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    kind: Mapped[PendingInputKind] = mapped_column(string_enum(PendingInputKind))
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"))
    request_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]
