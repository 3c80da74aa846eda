"""Statistics kept in step with the incident table by database triggers (migration 0013), so
the all-time statistics read a few hundred rows instead of every incident.

The triggers add an incident's contribution when it is written and take it back when it
changes or goes; nothing in the application writes these tables.
"""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base

# The months are Thailand's (UTC+7, no daylight saving), the province's time: the triggers
# cannot read the deployment's settings. incidents/records/stats.py reads the tallies only
# when the deployment's zone keeps that offset.
TALLY_UTC_OFFSET_MINUTES = 420


class IncidentTally(Base):
    """How many incidents share a month, district, category, urgency and status, whether they
    are drills and whether they count an event once (unlinked, or the first of a linked
    group), with their acknowledgements and casualty figures summed."""

    __tablename__ = "incident_tally"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # "YYYY-MM", local
    district_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[str] = mapped_column(String(32), primary_key=True)
    urgency: Mapped[str] = mapped_column(String(32), primary_key=True)
    status: Mapped[str] = mapped_column(String(32), primary_key=True)
    drill: Mapped[int] = mapped_column(Integer, primary_key=True)  # 1: a drill's incidents
    once: Mapped[int] = mapped_column(Integer, primary_key=True)  # 1: unlinked, or the first
    incidents: Mapped[int] = mapped_column(Integer)
    acknowledged: Mapped[int] = mapped_column(Integer)
    # Each figure's sum over the incidents that gave it, and how many gave it.
    dead: Mapped[int] = mapped_column(Integer)
    dead_known: Mapped[int] = mapped_column(Integer)
    injured: Mapped[int] = mapped_column(Integer)
    injured_known: Mapped[int] = mapped_column(Integer)
    missing: Mapped[int] = mapped_column(Integer)
    missing_known: Mapped[int] = mapped_column(Integer)
    affected_households: Mapped[int] = mapped_column(Integer)
    affected_households_known: Mapped[int] = mapped_column(Integer)


class AckTally(Base):
    """How many acknowledged incidents of an urgency took a number of seconds (rounded) from
    filing to the first acknowledgement: percentiles and deadlines read this histogram."""

    __tablename__ = "ack_tally"

    urgency: Mapped[str] = mapped_column(String(32), primary_key=True)
    drill: Mapped[int] = mapped_column(Integer, primary_key=True)
    once: Mapped[int] = mapped_column(Integer, primary_key=True)
    seconds: Mapped[int] = mapped_column(Integer, primary_key=True)
    incidents: Mapped[int] = mapped_column(Integer)
