"""Incidents written straight into the database, for tests that are not about filing them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from incidents import files, provinces
from incidents.audit import CLI_ACTOR
from incidents.roster import csv as roster_csv
from incidents.roster import people as roster
from incidents.thaidate import be_year
from storage.db import Database
from storage.models import (
    AlertRecipient,
    Attachment,
    AttachmentKind,
    Category,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    District,
    EventKind,
    Incident,
    IncidentEvent,
    IncidentStatus,
    Person,
    Province,
    RecipientRole,
    Urgency,
)
from tests.support.harness import SAMPLE_ROSTER


async def import_sample_roster(db: Database, now: datetime) -> None:
    """The fictional Phichit roster, imported through the roster service."""
    parsed = roster_csv.parse(SAMPLE_ROSTER.read_bytes(), provinces.load("phichit"))
    assert not parsed.errors, parsed.errors
    async with db.write() as session:
        province = await session.scalar(select(Province))
        assert province is not None
        await roster.import_rows(session, province, parsed.rows, now, CLI_ACTOR, "test")


@dataclass
class Spec:
    """An incident to write; unset fields get plain values."""

    reporter: str = "D6604"
    category: Category = Category.FLOOD
    urgency: Urgency = Urgency.MOST_URGENT
    status: IncidentStatus = IncidentStatus.REPORTED
    district: str = "6604"
    place: str = "บ้านวังหลุม หมู่ 3"
    description: str = "น้ำท่วมบ้านเรือน"
    damage_note: str | None = None
    occurred_at: datetime | None = None
    ack_after: timedelta | None = None
    acknowledged_by: str | None = None
    dead: int | None = None
    injured: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    ddpm_level: int | None = None
    photos: list[bytes] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    # Alerted as escalation contacts (nobody acknowledged in time).
    escalated: list[str] = field(default_factory=list)


async def add_incident(db: Database, spec: Spec, now: datetime, files_dir: Path) -> str:
    """Write one incident (with its timeline, recipients and photos); return its reference."""
    async with db.write() as session:
        province = await session.scalar(select(Province))
        assert province is not None
        reporter = await session.scalar(select(Person).where(Person.roster_id == spec.reporter))
        district = await session.scalar(select(District).where(District.code == spec.district))
        assert reporter is not None and district is not None
        occurred = spec.occurred_at or now
        year = be_year(occurred.date())
        sequence = 1 + int(
            await session.scalar(
                select(func.coalesce(func.max(Incident.sequence), 0)).where(
                    Incident.year_be == year
                )
            )
            or 0
        )
        ack_person = None
        if spec.acknowledged_by:
            ack_person = await session.scalar(
                select(Person).where(Person.roster_id == spec.acknowledged_by)
            )
        created = occurred + timedelta(minutes=1)
        acknowledged_at = created + spec.ack_after if spec.ack_after is not None else None
        incident = Incident(
            province_id=province.id,
            reference=f"{province.reference_prefix}-{year}-{sequence:04d}",
            year_be=year,
            sequence=sequence,
            category=spec.category,
            urgency=spec.urgency,
            ddpm_level=spec.ddpm_level,
            district_id=district.id,
            place=spec.place,
            latitude=spec.latitude,
            longitude=spec.longitude,
            occurred_at=occurred,
            description=spec.description,
            dead=spec.dead,
            injured=spec.injured,
            damage_note=spec.damage_note,
            reporter_id=reporter.id,
            agency_id=reporter.agency_id,
            reporter_name=reporter.name,
            reporter_position=reporter.position,
            reporter_phone=reporter.phone,
            agency_name=reporter.agency.name,
            status=spec.status,
            created_at=created,
            updated_at=created,
            acknowledged_at=acknowledged_at,
            acknowledged_by_id=ack_person.id if ack_person else None,
        )
        session.add(incident)
        await session.flush()
        session.add(
            IncidentEvent(
                incident_id=incident.id,
                at=created,
                kind=EventKind.FILED,
                actor_person_id=reporter.id,
                text="",
                data={},
            )
        )
        if ack_person is not None and acknowledged_at is not None:
            session.add(
                IncidentEvent(
                    incident_id=incident.id,
                    at=acknowledged_at,
                    kind=EventKind.ACKNOWLEDGED,
                    actor_person_id=ack_person.id,
                    text="",
                    data={},
                )
            )
        for index, content in enumerate(spec.photos):
            stored = files.store(files_dir, content, "png")
            session.add(
                Attachment(
                    incident_id=incident.id,
                    kind=AttachmentKind.PHOTO,
                    telegram_file_id=f"file-{index}",
                    telegram_file_unique_id=f"unique-{index}",
                    mime_type="image/png",
                    size=stored.size,
                    sha256=stored.sha256,
                    stored_path=stored.relative_path,
                    created_at=created,
                )
            )
        alerted = [(r, RecipientRole.EXECUTIVE) for r in spec.recipients]
        alerted += [(r, RecipientRole.ESCALATION) for r in spec.escalated]
        for roster_id, role in alerted:
            person = await session.scalar(select(Person).where(Person.roster_id == roster_id))
            assert person is not None
            delivery = Delivery(
                kind=DeliveryKind.ALERT,
                status=DeliveryStatus.SENT,
                chat_id=person.telegram_user_id or 1000 + person.id,
                person_id=person.id,
                incident_id=incident.id,
                params={},
                next_attempt_at=created,
                created_at=created,
                sent_at=created + timedelta(seconds=2),
            )
            session.add(delivery)
            await session.flush()
            session.add(
                AlertRecipient(
                    incident_id=incident.id,
                    person_id=person.id,
                    chat_id=delivery.chat_id,
                    role=role,
                    alert_delivery_id=delivery.id,
                    acknowledged_at=acknowledged_at if person is ack_person else None,
                    created_at=created,
                )
            )
        return incident.reference
