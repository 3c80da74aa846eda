"""Jinja2 templates with the Thai formatters the bot uses too (autoescaping everything)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.templating import Jinja2Templates

from incidents.records.dates import day_entry
from incidents.text import ROLE_NAMES
from incidents.text import related as related_texts
from incidents.text import situation as situation_texts
from incidents.text.drill import MARK as DRILL_MARK
from incidents.text.labels import STATUS_LABELS, UNKNOWN, count_text
from incidents.text.report import CATEGORY_LABELS, DDPM_LABELS, URGENCY_LABELS
from incidents.text.sandbox import BANNER as SANDBOX_BANNER
from incidents.text.sandbox import BANNER_LINK as SANDBOX_BANNER_LINK
from incidents.text.thread import age as since
from incidents.text.web import (
    ATTACHMENT_LABELS,
    ATTACHMENTS_HEADING,
    AUDIT_LABELS,
    DAY_PLACEHOLDER,
    DELIVERY_LABELS,
    DRILL_FILTER_LABELS,
    EVENT_LABELS,
    FIELD_LABELS,
    FILTER_LABELS,
    LINKED_COUNT_LABELS,
    NOT_GIVEN,
    ORDER_LABELS,
    RECIPIENT_LABELS,
    SEARCH_CAPPED,
    SEARCH_MORE_THAN,
    SORT_LABELS,
    own_agency_only,
    own_agency_statistics,
)
from incidents.thaidate import format_date, format_datetime, format_time
from web.charts import Bar, bars, thai_month

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


def thai_duration(seconds: float | None) -> str:
    """`3 ชั่วโมง 5 นาที`, `4 นาที 10 วินาที`, `45 วินาที`; a dash when unknown."""
    if seconds is None:
        return "-"
    whole = round(seconds)
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} วัน {hours} ชั่วโมง"
    if hours:
        return f"{hours} ชั่วโมง {minutes} นาที"
    if minutes:
        return f"{minutes} นาที {secs} วินาที"
    return f"{secs} วินาที"


def build(tz: tzinfo, *, sandbox: bool = False) -> Jinja2Templates:
    """The templates, with filters bound to the deployment's time zone; in the sandbox every
    page carries its banner."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )

    def when(value: datetime | None) -> str:
        return format_datetime(value, tz) if value else "-"

    def day(value: date | datetime | None) -> str:
        if value is None:
            return "-"
        if isinstance(value, datetime):
            value = value.astimezone(tz).date()
        return format_date(value)

    def clock(value: datetime | None) -> str:
        return format_time(value, tz) if value else "-"

    filters: dict[str, Any] = {
        "thai_datetime": when,
        "thai_date": day,
        "thai_time": clock,
        "thai_month": thai_month,
        "day_entry": day_entry,
        "duration": thai_duration,
        "count": count_text,
        "category": lambda v: CATEGORY_LABELS[v],
        "urgency": lambda v: URGENCY_LABELS[v],
        "status": lambda v: STATUS_LABELS[v],
        "event": lambda v: EVENT_LABELS[v],
        "recipient_role": lambda v: RECIPIENT_LABELS[v],
        "delivery": lambda v: DELIVERY_LABELS[v] if v is not None else "-",
        "attachment_kind": lambda v: ATTACHMENT_LABELS[v],
        "audit_action": lambda v: AUDIT_LABELS.get(v, str(v)),
        "ddpm": lambda v: DDPM_LABELS.get(v or 0, UNKNOWN),
    }
    env.filters.update(filters)
    env.globals.update(
        CATEGORY_LABELS=CATEGORY_LABELS,
        URGENCY_LABELS=URGENCY_LABELS,
        STATUS_LABELS=STATUS_LABELS,
        AUDIT_LABELS=AUDIT_LABELS,
        FILTER_LABELS=FILTER_LABELS,
        DRILL_FILTER_LABELS=DRILL_FILTER_LABELS,
        LINKED_COUNT_LABELS=LINKED_COUNT_LABELS,
        DRILL_MARK=DRILL_MARK,
        SORT_LABELS=SORT_LABELS,
        ORDER_LABELS=ORDER_LABELS,
        DAY_PLACEHOLDER=DAY_PLACEHOLDER,
        SEARCH_MORE_THAN=SEARCH_MORE_THAN,
        SEARCH_CAPPED=SEARCH_CAPPED,
        F=FIELD_LABELS,
        NOT_GIVEN=NOT_GIVEN,
        ATTACHMENTS_HEADING=ATTACHMENTS_HEADING,
        own_agency_only=own_agency_only,
        own_agency_statistics=own_agency_statistics,
        ROLE_NAMES=ROLE_NAMES,
        bars=_bars,
        # The situation page's and the map's catalogue, and how long ago something was.
        T=situation_texts,
        REL=related_texts,
        since=since,
        SANDBOX_BANNER=SANDBOX_BANNER if sandbox else "",
        SANDBOX_BANNER_LINK=SANDBOX_BANNER_LINK,
    )
    return Jinja2Templates(env=env)


def _bars(items: Sequence[tuple[str, int]], width: int = 100) -> list[Bar]:
    return bars(items, width)
