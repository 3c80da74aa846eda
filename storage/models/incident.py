"""Incidents, their drafts, attachments, timeline and reference sequences."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Float,
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
from storage.models.enums import (
    AttachmentKind,
    Category,
    DraftStatus,
    EventKind,
    IncidentStatus,
    ReportStep,
    Urgency,
    string_enum,
)
from storage.models.roster import District, Person


class ReportDraft(Base):
    """A report being filled in; saved at every step so nothing is lost to a restart."""

    __tablename__ = "report_draft"
    __table_args__ = (
        # At most one open draft per person, on both backends.
        Index(
            "uq_report_draft_open_person",
            "person_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    # Carried in button data so buttons of another draft are recognised as stale.
    token: Mapped[str] = mapped_column(String(12))
    status: Mapped[DraftStatus] = mapped_column(string_enum(DraftStatus), default=DraftStatus.OPEN)
    step: Mapped[ReportStep] = mapped_column(string_enum(ReportStep))
    returning_to_review: Mapped[bool] = mapped_column(default=False)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime] = mapped_column(index=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incident.id"), unique=True)

    person: Mapped[Person] = relationship(lazy="joined")
    attachments: Mapped[list[Attachment]] = relationship(
        lazy="selectin", order_by="Attachment.id", foreign_keys="Attachment.draft_id"
    )
    incident: Mapped[Incident | None] = relationship(lazy="raise")


class IncidentSequence(Base):
    """The last reference number given in a province in a Buddhist Era year."""

    __tablename__ = "incident_sequence"

    province_id: Mapped[int] = mapped_column(ForeignKey("province.id"), primary_key=True)
    year_be: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class Incident(Base):
    """A filed report; who reported it is copied from the roster as it was at filing."""

    __tablename__ = "incident"
    __table_args__ = (
        # A drill incident's number is stored negated (-1, -2, ..., from drill_sequence), so
        # the two series never collide under this constraint; its reference shows it positive.
        UniqueConstraint("province_id", "year_be", "sequence", name="uq_incident_sequence"),
        # Drills' incidents only (few): "not a drill", which nearly every incident is, must
        # never be served by this index (migration 0016).
        Index(
            "ix_incident_drill_id",
            "drill_id",
            sqlite_where=text("drill_id IS NOT NULL"),
            postgresql_where=text("drill_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("province.id"), index=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    year_be: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    # Set for a drill's incident (การฝึกซ้อม); a real incident never has one.
    drill_id: Mapped[int | None] = mapped_column(ForeignKey("drill.id"))

    category: Mapped[Category] = mapped_column(string_enum(Category), index=True)
    urgency: Mapped[Urgency] = mapped_column(string_enum(Urgency), index=True)
    ddpm_level: Mapped[int | None] = mapped_column(Integer)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    place: Mapped[str] = mapped_column(Text)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    description: Mapped[str] = mapped_column(Text)
    # None means "not known", which is different from 0.
    dead: Mapped[int | None] = mapped_column(Integer)
    injured: Mapped[int | None] = mapped_column(Integer)
    missing: Mapped[int | None] = mapped_column(Integer)
    affected_households: Mapped[int | None] = mapped_column(Integer)
    damage_note: Mapped[str | None] = mapped_column(Text)

    reporter_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    reporter_name: Mapped[str] = mapped_column(String(200))
    reporter_position: Mapped[str] = mapped_column(String(200))
    reporter_phone: Mapped[str] = mapped_column(String(40))
    agency_name: Mapped[str] = mapped_column(String(200))

    status: Mapped[IncidentStatus] = mapped_column(
        string_enum(IncidentStatus), default=IncidentStatus.REPORTED, index=True
    )
    created_at: Mapped[datetime] = mapped_column(index=True)
    updated_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    # The reminder/escalation timer lives here, not in memory: due time and rounds fired.
    next_reminder_at: Mapped[datetime | None] = mapped_column(index=True)
    reminder_round: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    closed_at: Mapped[datetime | None]
    # When the retention pass last masked its free text (incidents/records/retention.py): it
    # masks an incident again only once it has been closed again since.
    redacted_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    close_summary: Mapped[str | None] = mapped_column(Text)
    # Linked incidents (storage/models/links.py) share the smallest id among them here, so the
    # statistics can count one event once; None for an incident linked to nothing.
    link_group_id: Mapped[int | None] = mapped_column(Integer, index=True)

    district: Mapped[District] = relationship(lazy="joined")
    reporter: Mapped[Person] = relationship(lazy="joined", foreign_keys=[reporter_id])
    acknowledged_by: Mapped[Person | None] = relationship(
        lazy="joined", foreign_keys=[acknowledged_by_id]
    )
    closed_by: Mapped[Person | None] = relationship(lazy="raise", foreign_keys=[closed_by_id])
    attachments: Mapped[list[Attachment]] = relationship(
        lazy="selectin", order_by="Attachment.id", foreign_keys="Attachment.incident_id"
    )


class Attachment(Base):
    """A photo, document or voice note: Telegram's ids plus our own downloaded copy."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("report_draft.id"), index=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incident.id"), index=True)
    kind: Mapped[AttachmentKind] = mapped_column(string_enum(AttachmentKind))
    telegram_file_id: Mapped[str] = mapped_column(String(255))
    telegram_file_unique_id: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(255), default="")
    mime_type: Mapped[str] = mapped_column(String(100), default="")
    size: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    stored_path: Mapped[str | None] = mapped_column(String(255))
    caption: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]


class IncidentEvent(Base):
    """One entry on an incident's timeline (also the domain event later work acts on)."""

    __tablename__ = "incident_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    at: Mapped[datetime]
    kind: Mapped[EventKind] = mapped_column(string_enum(EventKind))
    actor_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    text: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
