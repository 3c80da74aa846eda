"""Whether a new report looks like an open incident already filed: same district and category,
filed within the configured hours, and a similar place (within a few kilometres when both
shared a location, otherwise similar place text).

Place text is compared as people type it: abbreviations folded (`หมู่ที่ 5` and `ม.5`, `ตำบล`
and `ต.`), spaces and punctuation dropped, then character trigrams (Thai has no spaces between
words, so whole words cannot be compared); a place written inside the other counts as similar.
It is a hint for executives, who decide: a shared landmark (`ริมแม่น้ำน่าน`) in two tambons may
be pointed out, which costs a line; two reports of one flood missed would cost a double page.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.related.hints import MAX_HINTS, RelatedHint
from storage.models import OPEN_STATUSES, Incident, IncidentLink, LinkState

# Both located: similar within this distance, whatever the text says.
NEAR_KM = 3.0
# Neither or one located: similar when the place texts' trigram Dice coefficient reaches this.
PLACE_SIMILARITY = 0.45
# A place of at least this many characters written inside the other one is similar.
CONTAINED_MIN = 4
# The shorter place needs this many trigrams for its share found in the longer one to count.
_OVERLAP_MIN_TRIGRAMS = 8
# Candidates read from the database before comparing places (the most recent first).
_CANDIDATES = 50

# Long forms and their short forms, longest first so `หมู่ที่` folds before `หมู่`.
_ABBREVIATIONS = (
    ("หมู่ที่", "ม"),
    ("หมู่บ้าน", "มบ"),
    ("หมู่", "ม"),
    ("ตำบล", "ต"),
    ("อำเภอ", "อ"),
    ("จังหวัด", "จ"),
    ("ถนน", "ถ"),
    ("โรงเรียน", "รร"),
    ("โรงพยาบาล", "รพ"),
    ("บ้าน", "บ"),
)
_DROPPED = re.compile(r"[\s\.\-,/()\[\]'\"“”:;_]+")


def place_key(place: str) -> str:
    """The place text as it is compared: case and width folded, abbreviations folded,
    spaces and punctuation dropped."""
    folded = _fold(place)
    for long, short in _ABBREVIATIONS:
        folded = folded.replace(_fold(long), short)
    return _DROPPED.sub("", folded)


def _fold(text: str) -> str:
    # NFKC splits SARA AM (ำ) into NIKHAHIT and SARA AA; typed text may hold either form.
    return unicodedata.normalize("NFKC", text).casefold()


def _trigrams(key: str) -> set[str]:
    return {key[i : i + 3] for i in range(len(key) - 2)}


def place_similarity(a: str, b: str) -> float:
    """From 0 (nothing alike) to 1 (the same place text)."""
    key_a, key_b = place_key(a), place_key(b)
    if not key_a or not key_b:
        return 0.0
    if key_a == key_b:
        return 1.0
    shorter, longer = sorted((key_a, key_b), key=len)
    if len(shorter) >= CONTAINED_MIN and shorter in longer:
        return max(0.8, _trigram_score(key_a, key_b))
    return _trigram_score(key_a, key_b)


def _trigram_score(key_a: str, key_b: str) -> float:
    """The Dice coefficient of the trigram sets; when one place is written in more detail than
    the other (`บ้านวังหลุม หมู่ 3` against the same with its tambon and river), the share of
    the shorter one's trigrams found in the longer, a little discounted, if it is long enough
    to mean something on its own."""
    grams_a, grams_b = _trigrams(key_a), _trigrams(key_b)
    if not grams_a or not grams_b:
        return 0.0
    shared = len(grams_a & grams_b)
    dice = 2 * shared / (len(grams_a) + len(grams_b))
    fewer = min(len(grams_a), len(grams_b))
    overlap = 0.9 * shared / fewer if fewer >= _OVERLAP_MIN_TRIGRAMS else 0.0
    return max(dice, overlap)


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    lat_a, lon_a, lat_b, lon_b = map(math.radians, (*a, *b))
    h = (
        math.sin((lat_b - lat_a) / 2) ** 2
        + math.cos(lat_a) * math.cos(lat_b) * math.sin((lon_b - lon_a) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True, slots=True)
class Place:
    """Where an incident is, as compared."""

    text: str
    location: tuple[float, float] | None


def closeness(new: Place, old: Place) -> float | None:
    """How alike two places are (higher is closer), or None when they are not similar."""
    if new.location is not None and old.location is not None:
        km = distance_km(new.location, old.location)
        return 2.0 - km / NEAR_KM if km <= NEAR_KM else None
    score = place_similarity(new.text, old.text)
    return score if score >= PLACE_SIMILARITY else None


def _place(text: str, latitude: float | None, longitude: float | None) -> Place:
    if latitude is None or longitude is None:
        return Place(text, None)
    return Place(text, (float(latitude), float(longitude)))


async def suggest(
    session: AsyncSession, incident: Incident, window: timedelta, now: datetime
) -> tuple[RelatedHint, ...]:
    """Point out the open incidents the just-filed one may be a second report of, and store
    each pair as suggested; the closest first. A drill's incident is compared with its own
    drill's only, a real one with real ones only."""
    if window <= timedelta(0):
        return ()
    same_series = (
        Incident.drill_id.is_(None)
        if incident.drill_id is None
        else Incident.drill_id == incident.drill_id
    )
    rows = await session.execute(
        select(
            Incident.id, Incident.reference, Incident.place, Incident.latitude, Incident.longitude
        )
        .where(
            Incident.district_id == incident.district_id,
            Incident.category == incident.category,
            Incident.status.in_(OPEN_STATUSES),
            Incident.created_at >= now - window,
            Incident.id != incident.id,
            same_series,
        )
        .order_by(Incident.created_at.desc())
        .limit(_CANDIDATES)
    )
    new = _place(incident.place, incident.latitude, incident.longitude)
    scored = []
    for other_id, reference, text, latitude, longitude in rows.all():
        score = closeness(new, _place(text, latitude, longitude))
        if score is not None:
            scored.append((score, other_id, reference))
    scored.sort(key=lambda s: (-s[0], -s[1]))
    hints = tuple(RelatedHint(incident_id=i, reference=r) for _, i, r in scored[:MAX_HINTS])
    for hint in hints:
        low, high = sorted((hint.incident_id, incident.id))
        session.add(
            IncidentLink(
                low_id=low, high_id=high, state=LinkState.SUGGESTED, created_at=now, changed_via=""
            )
        )
    return hints
