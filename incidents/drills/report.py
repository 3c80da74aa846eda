"""The drill report: how fast each executive received and acknowledged, how fast each reporter
filed, and what went unanswered."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.core import Core
from incidents.drills.series import participant_ids
from incidents.text import drill as t
from incidents.text.rich import Text, b
from storage.models import (
    AlertRecipient,
    Delivery,
    Drill,
    Incident,
    InfoRequest,
    Instruction,
    Person,
    PersonRole,
    ReportDraft,
    Role,
)


@dataclass(slots=True)
class ExecutiveTimes:
    """One executive's times, in seconds from filing, per drill incident they were sent."""

    name: str
    position: str
    received: list[float | None] = field(default_factory=list)
    acknowledged: list[float | None] = field(default_factory=list)


@dataclass(slots=True)
class ReporterTimes:
    """One reporter's times from starting a report to filing it, in seconds."""

    name: str
    filed: list[float] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class DrillReport:
    """Everything the admin reads when a drill ends."""

    drill_id: int
    title: str
    started_at: datetime
    ended_at: datetime | None
    references: Sequence[str]
    executives: Sequence[ExecutiveTimes]
    reporters: Sequence[ReporterTimes]
    unanswered: Sequence[str]


def _seconds(start: datetime, end: datetime | None) -> float | None:
    return None if end is None else max(0.0, (end - start).total_seconds())


async def build(core: Core, drill_id: int) -> DrillReport | None:
    """The report of a drill of this province (running or ended), or None."""
    async with core.reading() as session:
        drill = await session.get(Drill, drill_id)
        if drill is None or drill.province_id != core.province_id:
            return None
        incidents = (
            await session.scalars(
                select(Incident).where(Incident.drill_id == drill.id).order_by(Incident.id)
            )
        ).all()
        people = set(await participant_ids(session, drill.id))
        executive_ids = set(
            (
                await session.scalars(
                    select(PersonRole.person_id).where(
                        PersonRole.role == Role.EXECUTIVE, PersonRole.person_id.in_(people)
                    )
                )
            ).all()
        )
        executives: dict[int, ExecutiveTimes] = {}
        for person in await session.scalars(
            select(Person).where(Person.id.in_(executive_ids)).order_by(Person.id)
        ):
            executives[person.id] = ExecutiveTimes(person.name, person.position)
        reporters: dict[int, ReporterTimes] = {}
        unanswered: list[str] = []
        for incident in incidents:
            rows = await session.execute(
                select(AlertRecipient, Delivery.sent_at)
                .outerjoin(Delivery, Delivery.id == AlertRecipient.alert_delivery_id)
                .where(AlertRecipient.incident_id == incident.id)
            )
            for recipient, sent_at in rows.all():
                times = executives.get(recipient.person_id or 0)
                if times is not None:
                    times.received.append(_seconds(incident.created_at, sent_at))
                    acknowledged = recipient.acknowledged_at
                    times.acknowledged.append(_seconds(incident.created_at, acknowledged))
            draft = await session.scalar(
                select(ReportDraft).where(ReportDraft.incident_id == incident.id)
            )
            reporter = reporters.setdefault(
                incident.reporter_id, ReporterTimes(incident.reporter_name)
            )
            if draft is not None:
                reporter.filed.append(_seconds(draft.created_at, incident.created_at) or 0.0)
            unanswered.extend(await _unanswered(session, incident))
        return DrillReport(
            drill.id,
            drill.title,
            drill.started_at,
            drill.ended_at,
            [i.reference for i in incidents],
            list(executives.values()),
            list(reporters.values()),
            unanswered,
        )


async def _unanswered(session: AsyncSession, incident: Incident) -> list[str]:
    found: list[str] = []
    if incident.acknowledged_at is None:
        found.append(t.UNACKNOWLEDGED_ALERT.format(reference=incident.reference))
    open_instructions = await session.scalars(
        select(Instruction.id).where(
            Instruction.incident_id == incident.id, Instruction.acknowledged_at.is_(None)
        )
    )
    found.extend(
        t.UNANSWERED_INSTRUCTION.format(reference=incident.reference) for _ in open_instructions
    )
    open_requests = await session.scalars(
        select(InfoRequest.id).where(
            InfoRequest.incident_id == incident.id, InfoRequest.answered_at.is_(None)
        )
    )
    found.extend(t.UNANSWERED_REQUEST.format(reference=incident.reference) for _ in open_requests)
    return found


def average(values: Sequence[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def as_text(report: DrillReport) -> Text:
    """The report as the admin reads it in the bot (the web page shows the same)."""
    lines: list[Text | str] = [
        Text(t.MARK),
        Text(b(t.REPORT_TITLE.format(title=report.title))),
        " · ".join(report.references) or "-",
        "",
        Text(b(t.REPORT_EXECUTIVES)),
    ]
    for e in report.executives:
        received = average(e.received)
        acknowledged = average(e.acknowledged)
        lines.append(
            f"• {e.name} ({e.position}): "
            f"{t.minutes(received) if received is not None else t.NEVER} / "
            f"{t.minutes(acknowledged) if acknowledged is not None else t.NOT_ACKNOWLEDGED}"
        )
    lines += ["", Text(b(t.REPORT_REPORTERS))]
    lines += [f"• {r.name}: {t.minutes(average(r.filed))}" for r in report.reporters]
    lines += ["", Text(b(t.REPORT_UNANSWERED))]
    lines += [f"• {u}" for u in report.unanswered] or [t.REPORT_NOTHING_UNANSWERED]
    return Text.join("\n", lines)
