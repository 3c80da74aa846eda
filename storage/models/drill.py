"""Drills (การฝึกซ้อม): who takes part, for how long, and their own reference series."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.models.enums import string_enum


class DrillStatus(StrEnum):
    """Where a drill is in its life."""

    RUNNING = "running"
    ENDED = "ended"


class Drill(Base):
    """A rehearsal in live mode: its incidents page only its participants."""

    __tablename__ = "drill"

    id: Mapped[int] = mapped_column(primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("province.id"), index=True)
    title: Mapped[str] = mapped_column(Text)
    scenario_key: Mapped[str | None] = mapped_column(String(64))
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    started_at: Mapped[datetime]
    ends_at: Mapped[datetime] = mapped_column(index=True)
    ended_at: Mapped[datetime | None]
    status: Mapped[DrillStatus] = mapped_column(
        string_enum(DrillStatus), default=DrillStatus.RUNNING, index=True
    )


class DrillParticipant(Base):
    """A person taking part in a drill."""

    __tablename__ = "drill_participant"

    drill_id: Mapped[int] = mapped_column(ForeignKey("drill.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)


class DrillSequence(Base):
    """The last drill reference number in a province and year: never shared with real ones."""

    __tablename__ = "drill_sequence"

    province_id: Mapped[int] = mapped_column(ForeignKey("province.id"), primary_key=True)
    year_be: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer, default=0)
