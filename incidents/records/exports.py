"""Exports of the filtered list: CSV that Excel opens with Thai intact, and JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from datetime import datetime, tzinfo
from typing import Any

from pydantic import BaseModel

from incidents.records.queries import ExportRow
from incidents.text import drill as drill_text
from incidents.text.labels import STATUS_LABELS
from incidents.text.report import CATEGORY_LABELS, URGENCY_LABELS
from incidents.text.web import FIELD_LABELS, ISO_COLUMN, instruction_line
from incidents.textclean import spreadsheet_cell
from incidents.thaidate import format_datetime
from storage.models import Category, IncidentStatus, Urgency

# Excel decides a CSV file's encoding by its first bytes: the BOM says UTF-8.
UTF8_BOM = "\ufeff"
CSV_TYPE = "text/csv; charset=utf-8"
JSON_TYPE = "application/json"


class ExportedInstruction(BaseModel):
    """An instruction given about the incident, and when the reporter acknowledged it."""

    text: str
    author: str
    at: datetime
    acknowledged_at: datetime | None


class ExportedIncident(BaseModel):
    """One incident as exports carry it (JSON keys; CSV columns in the same order, each time
    also as ISO 8601 beside its Thai form). A drill's incident carries the drill mark."""

    reference: str
    occurred_at: datetime
    reported_at: datetime
    category: Category
    urgency: Urgency
    ddpm_level: int | None
    district_code: str
    district: str
    place: str
    latitude: float | None
    longitude: float | None
    description: str
    dead: int | None
    injured: int | None
    missing: int | None
    affected_households: int | None
    damage_note: str | None
    reporter_name: str
    reporter_position: str
    reporter_phone: str
    agency: str
    status: IncidentStatus
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    closed_at: datetime | None
    closed_by: str | None
    close_summary: str | None
    instructions: list[ExportedInstruction]
    # The drill mark for a drill's incident, else empty (last, so the columns before it stay
    # where spreadsheets and scripts expect them).
    drill: str = ""

    @classmethod
    def of(cls, row: ExportRow) -> ExportedIncident:
        """From an export row."""
        i = row.incident
        return cls(
            drill=drill_text.MARK if i.drill_id is not None else "",
            reference=i.reference,
            occurred_at=i.occurred_at,
            reported_at=i.created_at,
            category=i.category,
            urgency=i.urgency,
            ddpm_level=i.ddpm_level,
            district_code=row.district_code,
            district=row.district_name,
            place=i.place,
            latitude=i.latitude,
            longitude=i.longitude,
            description=i.description,
            dead=i.dead,
            injured=i.injured,
            missing=i.missing,
            affected_households=i.affected_households,
            damage_note=i.damage_note,
            reporter_name=i.reporter_name,
            reporter_position=i.reporter_position,
            reporter_phone=i.reporter_phone,
            agency=i.agency_name,
            status=i.status,
            acknowledged_at=i.acknowledged_at,
            acknowledged_by=row.acknowledged_by,
            closed_at=i.closed_at,
            closed_by=row.closed_by,
            close_summary=i.close_summary,
            instructions=[
                ExportedInstruction(
                    text=n.text, author=n.author, at=n.at, acknowledged_at=n.acknowledged_at
                )
                for n in row.instructions
            ],
        )


# The columns, in csv_line's order; each time is followed by its ISO 8601 twin.
_TIMES = ("occurred_at", "reported_at", "acknowledged_at", "closed_at")
_COLUMNS = (
    "reference",
    "occurred_at",
    "reported_at",
    "category",
    "urgency",
    "ddpm_level",
    "district_code",
    "district",
    "place",
    "latitude",
    "longitude",
    "description",
    "dead",
    "injured",
    "missing",
    "affected_households",
    "damage_note",
    "reporter_name",
    "reporter_position",
    "reporter_phone",
    "agency",
    "status",
    "acknowledged_at",
    "acknowledged_by",
    "instructions",
    "closed_at",
    "closed_by",
    "close_summary",
    "drill",
)
CSV_HEADER = tuple(
    label
    for name in _COLUMNS
    for label in (
        (FIELD_LABELS[name], ISO_COLUMN.format(label=FIELD_LABELS[name]))
        if name in _TIMES
        else (FIELD_LABELS[name],)
    )
)


def _iso(value: datetime | None, tz: tzinfo) -> str:
    """Local time with its offset (2026-11-28T14:05:00+07:00): text Excel sorts as a time."""
    return value.astimezone(tz).isoformat(timespec="seconds") if value else ""


def _instructions(item: ExportedIncident, tz: tzinfo) -> str:
    """Every instruction in one cell, a line each, with its author and acknowledgement."""
    return "\n".join(
        instruction_line(
            format_datetime(n.at, tz),
            n.author,
            n.text,
            format_datetime(n.acknowledged_at, tz) if n.acknowledged_at else None,
        )
        for n in item.instructions
    )


def _thai(name: str, value: Any) -> str | None:
    """A closed value's Thai label (category, urgency, status); None for other fields."""
    if name == "category":
        return CATEGORY_LABELS[value]
    if name == "urgency":
        return URGENCY_LABELS[value]
    if name == "status":
        return STATUS_LABELS[value]
    return None


def _values(item: ExportedIncident, name: str, tz: tzinfo) -> tuple[object, ...]:
    """The cells of one field: a time gives its Thai form and its ISO 8601 twin."""
    value = getattr(item, name)
    if name in _TIMES:
        return (format_datetime(value, tz) if value else "", _iso(value, tz))
    if name == "instructions":
        return (_instructions(item, tz),)
    label = _thai(name, value)
    return (value if label is None else label,)


def csv_line(item: ExportedIncident, tz: tzinfo) -> list[str]:
    """One CSV row: Thai labels and Thai dates (each with its ISO 8601 twin), unknown numbers
    left empty (not zero)."""
    return [spreadsheet_cell(v) for name in _COLUMNS for v in _values(item, name, tz)]


def _csv_text(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


async def csv_chunks(rows: AsyncIterator[ExportRow], tz: tzinfo) -> AsyncIterator[bytes]:
    """The CSV file, UTF-8 with a BOM, in chunks of a few hundred rows."""
    yield (UTF8_BOM + _csv_text([list(CSV_HEADER)])).encode("utf-8")
    batch: list[list[str]] = []
    async for row in rows:
        batch.append(csv_line(ExportedIncident.of(row), tz))
        if len(batch) >= 200:
            yield _csv_text(batch).encode("utf-8")
            batch = []
    if batch:
        yield _csv_text(batch).encode("utf-8")


async def json_chunks(rows: AsyncIterator[ExportRow]) -> AsyncIterator[bytes]:
    """A JSON array of incidents (times in ISO 8601, UTC), streamed."""
    yield b"["
    first = True
    async for row in rows:
        item = ExportedIncident.of(row).model_dump(mode="json")
        yield (("" if first else ",") + "\n" + json.dumps(item, ensure_ascii=False)).encode()
        first = False
    yield b"\n]\n"
