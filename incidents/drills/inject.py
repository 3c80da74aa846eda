"""Injecting a scenario into the running drill: filed through the same flow as any report."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select

from incidents.core import Core
from incidents.drills import series
from incidents.drills.scenarios import Scenario
from incidents.reports import filing
from incidents.reports.draft import DraftData
from storage.models import DraftStatus, Person, PersonRole, ReportDraft, ReportStep, Role


class InjectOutcome(StrEnum):
    """What injecting did."""

    FILED = "filed"
    NOT_RUNNING = "not_running"
    NO_REPORTER = "no_reporter"


@dataclass(frozen=True, slots=True)
class Injected:
    """The outcome, with the drill incident's reference when filed."""

    outcome: InjectOutcome
    reference: str = ""
    incident_id: int | None = None


async def inject(core: Core, scenario: Scenario) -> Injected:
    """File the scenario as a drill incident by one of the drill's reporters (one of its own
    district first), as if they had answered every question and confirmed."""
    async with core.unit() as uow:
        session = uow.session
        drill = await series.running(session, core.province_id)
        if drill is None:
            return Injected(InjectOutcome.NOT_RUNNING)
        busy = select(ReportDraft.person_id).where(ReportDraft.status == DraftStatus.OPEN)
        reporters = (
            (
                await session.scalars(
                    select(Person)
                    .join(PersonRole)
                    .where(
                        Person.id.in_(await series.participant_ids(session, drill.id)),
                        Person.active.is_(True),
                        PersonRole.role == Role.REPORTER,
                        Person.id.not_in(busy),
                    )
                    .order_by(Person.id)
                )
            )
            .unique()
            .all()
        )
        if not reporters:
            return Injected(InjectOutcome.NO_REPORTER)
        own = [p for p in reporters if p.district and p.district.code == scenario.district_code]
        reporter = (own or list(reporters))[0]
        data = DraftData(
            category=scenario.category,
            urgency=scenario.urgency,
            ddpm_level=scenario.ddpm_level,
            ddpm_answered=True,
            district_code=scenario.district_code,
            place=scenario.place,
            latitude=scenario.latitude,
            longitude=scenario.longitude,
            location_answered=True,
            occurred_at=uow.now,
            description=scenario.description,
            dead=scenario.dead,
            injured=scenario.injured,
            missing=scenario.missing,
            households=scenario.households,
            impact_answered=True,
            damage_note=scenario.damage_note,
            damage_answered=True,
            attachments_done=True,
            drill_id=drill.id,
        )
        token = secrets.token_hex(4)
        session.add(
            ReportDraft(
                person_id=reporter.id,
                token=token,
                status=DraftStatus.OPEN,
                step=ReportStep.REVIEW,
                data=data.model_dump(mode="json"),
                created_at=uow.now,
                updated_at=uow.now,
            )
        )
    filed = await filing.confirm(core, reporter, token)
    return Injected(InjectOutcome.FILED, filed.reference, filed.incident_id)
