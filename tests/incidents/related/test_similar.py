"""When a new report is pointed out as maybe the same event as an open incident: the place
comparison on Thai text as people type it, the distance when both shared a location, and the
district, category, status, time window and series it looks within."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from incidents.related.similar import Place, closeness, place_key, place_similarity, suggest
from storage.db import Database
from storage.models import Category, Incident, IncidentLink, IncidentStatus, LinkState
from tests.support.incidents import Spec, add_incident, import_sample_roster

PLACE = "บ้านวังหลุม หมู่ 3 ต.วังหลุม ริมแม่น้ำน่าน"


@pytest.mark.parametrize(
    "other",
    [
        "หมู่ที่ 3 บ้านวังหลุม ตำบลวังหลุม",  # the long forms, another order
        "ม.3 บ.วังหลุม",
        "บ้านวังหลุม",  # written inside the other
        "บ้านวังหลุม  หมู่ 3  ต.วังหลุม",
    ],
)
def test_the_same_place_in_other_words_is_similar(other):
    assert place_similarity(PLACE, other) >= 0.45


@pytest.mark.parametrize("other", ["ตลาดสดเทศบาลตะพานหิน", "บ้านท่าฬ่อ หมู่ 5", "หมู่ 1 ต.ท่าหลวง", ""])
def test_another_place_is_not(other):
    assert place_similarity(PLACE, other) < 0.45


def test_sara_am_typed_either_way_folds_alike():
    # ำ (U+0E33) against NIKHAHIT + SARA AA, as some keyboards and NFKC write it.
    assert place_key("ตำบลวังหลุม") == place_key("ต\u0e4d\u0e32บลวังหลุม") == "ตวังหลุม"


def test_locations_decide_when_both_were_shared():
    here = (16.2030, 100.4410)
    near = (16.2160, 100.4410)  # about 1.4 km north
    far = (16.3500, 100.4410)  # about 16 km
    assert closeness(Place(PLACE, here), Place("ที่อื่นเลย", near)) is not None
    assert closeness(Place(PLACE, here), Place(PLACE, far)) is None  # same words, far apart
    assert closeness(Place(PLACE, here), Place(PLACE, None)) is not None  # text then


async def _incident(db: Database, reference: str) -> Incident:
    async with db.read() as session:
        found = await session.scalar(select(Incident).where(Incident.reference == reference))
    assert found is not None
    return found


async def test_it_looks_at_open_incidents_of_the_district_category_window_and_series(
    db, clock, tmp_path: Path
):
    await import_sample_roster(db, clock.now())
    same = await add_incident(db, Spec(place=PLACE), clock.now(), tmp_path)
    await add_incident(db, Spec(place=PLACE, district="6605"), clock.now(), tmp_path)
    await add_incident(db, Spec(place=PLACE, category=Category.FIRE), clock.now(), tmp_path)
    await add_incident(db, Spec(place=PLACE, status=IncidentStatus.CLOSED), clock.now(), tmp_path)
    clock.advance(timedelta(hours=2))
    recent = await add_incident(db, Spec(place="ม.3 บ.วังหลุม"), clock.now(), tmp_path)
    clock.advance(timedelta(hours=5))
    new = await add_incident(db, Spec(place="หมู่ที่ 3 บ้านวังหลุม"), clock.now(), tmp_path)

    incident = await _incident(db, new)
    async with db.write() as session:
        wide = await suggest(session, incident, timedelta(hours=8), clock.now())
        await session.rollback()
    assert {h.reference for h in wide} == {same, recent}
    async with db.write() as session:
        hints = await suggest(session, incident, timedelta(hours=6), clock.now())
    assert [h.reference for h in hints] == [recent]  # the first is older than six hours
    async with db.read() as session:
        [pair] = (await session.scalars(select(IncidentLink))).all()
    assert pair.state is LinkState.SUGGESTED and pair.high_id == incident.id
    async with db.write() as session:
        assert await suggest(session, incident, timedelta(0), clock.now()) == ()
