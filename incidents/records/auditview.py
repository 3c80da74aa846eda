"""The audit trail in words an admin reads: Thai names for subjects, details and their values,
never the internal names or JSON the rows are stored with."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.records.dates import parse_day
from incidents.records.filters import SortKey, SortOrder
from incidents.text import web as t
from incidents.text.labels import STATUS_LABELS
from incidents.text.report import CATEGORY_LABELS, URGENCY_LABELS
from incidents.thaidate import format_date, format_datetime
from storage.models import (
    AuditEvent,
    Category,
    District,
    Incident,
    IncidentStatus,
    Person,
    Urgency,
)


@dataclass(frozen=True, slots=True)
class Names:
    """What the ids in a page of audit rows stand for, looked up once for the page."""

    districts: dict[str, str]
    incidents: dict[str, str]
    people: dict[str, str]


def _ids(events: Iterable[AuditEvent], subject_type: str) -> set[int]:
    return {
        int(e.subject_id)
        for e in events
        if e.subject_type == subject_type and e.subject_id.isdigit() and len(e.subject_id) < 10
    }


async def names_for(session: AsyncSession, events: Sequence[AuditEvent]) -> Names:
    """The district names, incident references and people's names a page of rows needs."""
    districts = (await session.execute(select(District.code, District.name_th))).all()
    incident_ids, person_ids = _ids(events, "incident"), _ids(events, "person")
    incidents = (
        (
            await session.execute(
                select(Incident.id, Incident.reference).where(Incident.id.in_(incident_ids))
            )
        ).all()
        if incident_ids
        else []
    )
    people = (
        (
            await session.execute(select(Person.id, Person.name).where(Person.id.in_(person_ids)))
        ).all()
        if person_ids
        else []
    )
    return Names(
        districts={str(code): str(name) for code, name in districts},
        incidents={str(i): reference for i, reference in incidents},
        people={str(i): name for i, name in people},
    )


def subject_text(subject_type: str, subject_id: str, names: Names) -> str:
    """`เหตุการณ์ PCT-2569-0001`, `ผู้ใช้ นายสมมติ ตัวอย่างดี`, `รายการเหตุการณ์`."""
    if not subject_type:
        return ""
    label = t.SUBJECT_LABELS.get(subject_type, t.OTHER_DETAIL)
    if not subject_id or subject_type in t.SUBJECTS_WITHOUT_ID:
        return label
    if subject_type == "incident":
        return f"{label} {names.incidents.get(subject_id, subject_id)}"
    if subject_type == "person":
        return f"{label} {names.people.get(subject_id, f'{t.NUMBERED} {subject_id}')}"
    if subject_type in ("attachment", "invite"):
        return f"{label} {t.NUMBERED} {subject_id}"
    return f"{label} {subject_id}"


def _filter_value(name: str, value: Any, names: Names) -> str:
    text = str(value)
    try:
        match name:
            case "q":
                return f"“{text}”"
            case "date_from" | "date_to":
                return format_date(parse_day(text))
            case "district":
                return names.districts.get(text, text)
            case "category":
                return CATEGORY_LABELS[Category(text)]
            case "urgency":
                return URGENCY_LABELS[Urgency(text)]
            case "status":
                return STATUS_LABELS[IncidentStatus(text)]
            case "sort":
                return t.SORT_LABELS[SortKey(text)]
            case "order":
                return t.ORDER_LABELS[SortOrder(text)]
    except ValueError:
        pass
    return text


def filters_text(filters: dict[str, Any], names: Names) -> str:
    """`ประเภท อุทกภัย · ตั้งแต่วันที่ 1 พ.ย. 2569` (the filters as the form names them)."""
    return " · ".join(
        f"{t.FILTER_LABELS.get(name, t.OTHER_DETAIL)} {_filter_value(name, value, names)}"
        for name, value in filters.items()
        if value not in (None, "")
    )


def _plain(value: Any) -> str:
    """Any other value as text, lists and mappings flattened (never shown as JSON)."""
    if isinstance(value, bool):
        return t.YES if value else t.NO
    if isinstance(value, int | float):
        return f"{value:,}"
    if isinstance(value, dict):
        return " · ".join(f"{_plain(k)} {_plain(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_plain(v) for v in value)
    return str(value)


def _detail_value(key: str, value: Any, names: Names, tz: tzinfo) -> str:
    if key == "filters" and isinstance(value, dict):
        return filters_text(value, names)
    if key == "format":
        return t.FORMAT_LABELS.get(str(value), str(value))
    if key == "reason":
        return t.REASON_LABELS.get(str(value), str(value))
    if key == "button":
        return t.ACTION_LABELS.get(str(value), str(value))
    if key == "expires_at" and isinstance(value, str):
        try:
            return format_datetime(datetime.fromisoformat(value), tz)
        except ValueError:
            return value
    return _plain(value)


def detail_items(detail: dict[str, Any], names: Names, tz: tzinfo) -> list[tuple[str, str]]:
    """The row's details as (Thai label, Thai value), empty ones left out."""
    items = []
    for key, value in detail.items():
        if value in (None, "", {}, []):
            continue
        shown = _detail_value(key, value, names, tz)
        if shown:
            items.append((t.DETAIL_LABELS.get(key, t.OTHER_DETAIL), shown))
    return items


def source_text(source: str) -> str:
    """Where the action came from: a client address as is, a channel by its Thai name."""
    return t.SOURCE_LABELS.get(source, source) or "-"


def actor_text(event: AuditEvent, name: str | None, position: str | None) -> str:
    """Who acted: the roster person, or what the row says of someone outside it."""
    if name:
        return f"{name} ({position})" if position else name
    if event.actor_label:
        return t.ACTOR_LABELS.get(event.actor_label, event.actor_label)
    if event.actor_telegram_id is not None:
        return f"Telegram {event.actor_telegram_id}"
    return t.SYSTEM_ACTOR
