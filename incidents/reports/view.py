"""What a report shows, whether it is still a draft or already an incident."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from incidents.provinces import ProvinceData
from incidents.reports.draft import DraftData
from storage.models import Category, Incident, Urgency


@dataclass(frozen=True, slots=True)
class ReportView:
    """Display values of a report; None means not given (or not known)."""

    category: Category | None
    urgency: Urgency | None
    ddpm_level: int | None
    ddpm_applies: bool
    district_name: str | None
    place: str | None
    latitude: float | None
    longitude: float | None
    occurred_at: datetime | None
    description: str | None
    dead: int | None
    injured: int | None
    missing: int | None
    households: int | None
    impact_answered: bool
    damage_note: str | None
    attachment_count: int
    reference: str | None = None
    reporter_name: str | None = None
    reporter_position: str | None = None
    agency_name: str | None = None
    reporter_phone: str | None = None
    # A drill's report (chosen at the drill step) or incident: shown with the drill mark.
    drill: bool = False

    @classmethod
    def of_draft(cls, data: DraftData, province: ProvinceData, attachments: int) -> ReportView:
        """The view of a draft in progress."""
        district = province.district(data.district_code) if data.district_code else None
        return cls(
            category=data.category,
            urgency=data.urgency,
            ddpm_level=data.ddpm_level,
            ddpm_applies=data.applies_ddpm,
            district_name=district.name_th if district else None,
            place=data.place,
            latitude=data.latitude,
            longitude=data.longitude,
            occurred_at=data.occurred_at,
            description=data.description,
            dead=data.dead,
            injured=data.injured,
            missing=data.missing,
            households=data.households,
            impact_answered=data.impact_answered,
            damage_note=data.damage_note,
            attachment_count=attachments,
            drill=data.drill_id is not None,
        )

    @classmethod
    def of_incident(cls, incident: Incident) -> ReportView:
        """The view of a filed incident (the district must be loaded)."""
        return cls(
            category=incident.category,
            urgency=incident.urgency,
            ddpm_level=incident.ddpm_level,
            ddpm_applies=incident.category.is_disaster,
            district_name=incident.district.name_th,
            place=incident.place,
            latitude=incident.latitude,
            longitude=incident.longitude,
            occurred_at=incident.occurred_at,
            description=incident.description,
            dead=incident.dead,
            injured=incident.injured,
            missing=incident.missing,
            households=incident.affected_households,
            impact_answered=True,
            damage_note=incident.damage_note,
            attachment_count=len(incident.attachments),
            reference=incident.reference,
            reporter_name=incident.reporter_name,
            reporter_position=incident.reporter_position,
            agency_name=incident.agency_name,
            reporter_phone=incident.reporter_phone,
            drill=incident.drill_id is not None,
        )
