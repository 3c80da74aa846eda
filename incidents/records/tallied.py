"""The statistics read from the tallies the database keeps in step with the incidents
(storage/models/tally.py): a few hundred rows instead of every incident, so the all-time
statistics of a province cost the same at 100,000 incidents as at 100.

They answer what the tallies hold: everything a viewer who sees all incidents asks without a
date, district, category, status or text filter (drills and linked counting are tally keys,
and urgency too). Anything else is read from the incidents themselves (incidents/records/
stats.py); both give the same figures, which tests/web/test_statistics_tallied.py checks.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.records.filters import IncidentFilter, Viewer
from incidents.records.stats import FIGURES, Count, Figure, Statistics, Totals, UrgencyAck
from incidents.records.tallykeys import KEYED, keys
from storage.models import (
    AckTally,
    Category,
    District,
    IncidentStatus,
    IncidentTally,
    Urgency,
)
from storage.models.tally import TALLY_UTC_OFFSET_MINUTES


def answers(viewer: Viewer, wanted: IncidentFilter, tz: tzinfo) -> bool:
    """Whether the tallies hold what this viewer asks: all incidents, no filter they lack, and
    months in the tallies' time zone (Thailand's, all year)."""
    if not viewer.sees_all or set(wanted.chosen()) - KEYED:
        return False
    year = datetime.now(UTC).year
    offsets = {datetime(year, month, 1, tzinfo=UTC).astimezone(tz).utcoffset() for month in (1, 7)}
    return offsets == {timedelta(minutes=TALLY_UTC_OFFSET_MINUTES)}


def nearest_rank(histogram: Sequence[tuple[int, int]], p: float) -> float | None:
    """The nearest-rank percentile of (seconds, how many) pairs sorted by seconds."""
    n = sum(count for _, count in histogram)
    if n == 0:
        return None
    rank, seen = max(1, math.ceil(p * n)), 0
    for seconds, count in histogram:
        seen += count
        if seen >= rank:
            return float(max(0, seconds))
    return None  # pragma: no cover - the ranks add up to n


async def statistics(
    session: AsyncSession,
    wanted: IncidentFilter,
    deadlines: Mapping[Urgency, timedelta],
) -> Statistics:
    """The statistics page's figures from the tallies (see answers())."""
    where = keys(IncidentTally, wanted)
    t = IncidentTally
    sums = [func.sum(t.incidents), func.sum(t.acknowledged)]
    for name in FIGURES:
        sums += [func.sum(getattr(t, name)), func.sum(getattr(t, f"{name}_known"))]

    async def grouped(key: Any) -> list[tuple[Any, int]]:
        rows = await session.execute(
            select(key, func.sum(t.incidents))
            .where(*where)
            .group_by(key)
            .having(func.sum(t.incidents) > 0)
            .order_by(key)
        )
        return [(k, int(n)) for k, n in rows.all()]

    by_month = [Count(k, n) for k, n in await grouped(t.month)]
    names = dict((await session.execute(select(District.id, District.name_th))).all())
    by_district = [Count(names.get(k, str(k)), n) for k, n in await grouped(t.district_id)]
    by_category = [Count(Category(k).value, n) for k, n in await grouped(t.category)]
    by_district.sort(key=lambda c: -c.count)
    by_category.sort(key=lambda c: -c.count)

    per_urgency: dict[str, list[int]] = {}
    closed = 0
    rows = await session.execute(
        select(t.urgency, t.status, *sums).where(*where).group_by(t.urgency, t.status)
    )
    for urgency, status, *values in rows.all():
        summed = per_urgency.setdefault(urgency, [0] * len(values))
        for i, value in enumerate(values):
            summed[i] += int(value or 0)
        if status == IncidentStatus.CLOSED.value:
            closed += int(values[0] or 0)
    total = [sum(column) for column in zip(*per_urgency.values(), strict=True)] or [0] * len(sums)

    histograms: defaultdict[str, list[tuple[int, int]]] = defaultdict(list)
    a = AckTally
    found = await session.execute(
        select(a.urgency, a.seconds, func.sum(a.incidents))
        .where(*keys(AckTally, wanted))
        .group_by(a.urgency, a.seconds)
        .having(func.sum(a.incidents) > 0)
        .order_by(a.seconds)
    )
    for urgency, seconds, count in found.all():
        histograms[urgency].append((int(seconds), int(count)))
    everything = _merged(histograms.values())

    incidents, acknowledged = total[0], total[1]
    figures = {
        name: Figure(total[2 + 2 * i], incidents - total[3 + 2 * i])
        for i, name in enumerate(FIGURES)
    }
    by_urgency = []
    for urgency in Urgency:
        these = per_urgency.get(urgency.value, [0] * len(sums))
        deadline = deadlines.get(urgency)
        histogram = histograms.get(urgency.value, [])
        within = sum(c for s, c in histogram if s <= deadline.total_seconds()) if deadline else 0
        by_urgency.append(
            UrgencyAck(
                urgency=urgency,
                total=these[0],
                acknowledged=these[1],
                within_deadline=within,
                deadline_s=deadline.total_seconds() if deadline is not None else None,
                median_s=nearest_rank(histogram, 0.5),
            )
        )
    return Statistics(
        total=sum(c.count for c in by_month),
        by_month=by_month,
        by_district=by_district,
        by_category=by_category,
        acknowledged=acknowledged,
        ack_median_s=nearest_rank(everything, 0.5),
        ack_p90_s=nearest_rank(everything, 0.9),
        open=incidents - closed,
        closed=closed,
        casualties=Totals(incidents, incidents - acknowledged, figures),
        by_urgency=by_urgency,
    )


def _merged(histograms: Any) -> list[tuple[int, int]]:
    counts: defaultdict[int, int] = defaultdict(int)
    for histogram in histograms:
        for seconds, count in histogram:
            counts[seconds] += count
    return sorted(counts.items())
