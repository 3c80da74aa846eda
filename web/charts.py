"""Bar charts drawn on the server as SVG geometry: no script, no external resource, and no
inline style (the Content-Security-Policy allows none)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from incidents.records.stats import Statistics
from incidents.text.report import CATEGORY_LABELS
from incidents.thaidate import MONTHS_SHORT, be_year
from storage.models import Category


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its label, value and length in the chart's units (0-width)."""

    label: str
    value: int
    length: float


def bars(items: Sequence[tuple[str, int]], width: int = 100) -> list[Bar]:
    """Scale values so the largest bar is `width` long (a non-zero value stays visible)."""
    top = max((value for _, value in items), default=0)
    scaled = []
    for label, value in items:
        length = 0.0 if top == 0 else max(value / top * width, 0.5 if value else 0.0)
        scaled.append(Bar(label, value, round(length, 2)))
    return scaled


@dataclass(frozen=True, slots=True)
class Charts:
    """The statistics page's three charts as (label, value) pairs."""

    months: list[tuple[str, int]]
    districts: list[tuple[str, int]]
    categories: list[tuple[str, int]]


def charts_of(figures: Statistics) -> Charts:
    """Label the statistics' counts in Thai."""
    return Charts(
        months=[(thai_month(c.key), c.count) for c in figures.by_month],
        districts=[(f"อ.{c.key}", c.count) for c in figures.by_district],
        categories=[(CATEGORY_LABELS[Category(c.key)], c.count) for c in figures.by_category],
    )


def thai_month(key: str) -> str:
    """ "2026-11" → `พ.ย. 2569`."""
    year, month = (int(part) for part in key.split("-"))
    return f"{MONTHS_SHORT[month - 1]} {be_year(date(year, month, 1))}"
