"""Drill scenarios: ready-made incidents an admin injects into a running drill.

The shipped file (incidents/drills/scenarios.json) holds scenarios by province key; a province
supplies its own with a file of the same shape (`load(key, path)`).
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from storage.models import Category, Urgency

SHIPPED = Path(__file__).with_name("scenarios.json")


class Scenario(BaseModel):
    """One scenario: what a reporter would have answered."""

    key: str
    title: str
    category: Category
    urgency: Urgency
    ddpm_level: int | None = None
    district_code: str
    place: str
    latitude: float | None = None
    longitude: float | None = None
    description: str
    dead: int | None = None
    injured: int | None = None
    missing: int | None = None
    households: int | None = None
    damage_note: str | None = None


def load(province_key: str, path: Path | None = None) -> dict[str, Scenario]:
    """The province's scenarios by key (none if the file has none for it)."""
    data = json.loads((path or SHIPPED).read_text(encoding="utf-8"))
    return {s["key"]: Scenario.model_validate(s) for s in data.get(province_key, [])}
