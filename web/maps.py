"""The province's tile map, drawn by the server as SVG: one square per district where the
province's data file places it, shaded by its open incidents and marked where one waits for
acknowledgement; pins where a reporter shared a location, placed within the province's
bounding box. Nothing is fetched from elsewhere, and no inline style is needed (the classes
are in style.css), so the page's Content-Security-Policy holds."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from incidents.provinces import ProvinceData

TILE = 100  # the side of a tile in the SVG's units
GAP = 6
# Shades by open incidents: none, one, a few, many.
LEVELS = ((0, "none"), (1, "one"), (2, "few"), (5, "many"))


@dataclass(frozen=True, slots=True)
class MapTile:
    """A district's square."""

    code: str
    name: str
    x: int
    y: int
    count: int
    waiting: int  # of them, not acknowledged
    level: str
    href: str


@dataclass(frozen=True, slots=True)
class Pin:
    """An incident where its location was shared."""

    x: float
    y: float
    reference: str
    waiting: bool
    href: str


@dataclass(frozen=True, slots=True)
class TileMap:
    """The whole drawing: its size, tiles and pins."""

    width: int
    height: int
    tiles: Sequence[MapTile]
    pins: Sequence[Pin]
    tile: int = TILE


@dataclass(frozen=True, slots=True)
class Located:
    """What a pin needs of an incident."""

    reference: str
    latitude: float | None
    longitude: float | None
    waiting: bool


def _level(count: int, most: int | None) -> str:
    """The shade of a count: by fixed steps (open incidents), or against the most any district
    has (`most`: counts over months, where every district has many)."""
    if most is None or count == 0:
        return next(name for floor, name in reversed(LEVELS) if count >= floor)
    share = count / most
    return "one" if share <= 1 / 3 else "few" if share <= 2 / 3 else "many"


def tile_map(
    province: ProvinceData,
    counts: Mapping[str, tuple[int, int]],
    located: Sequence[Located] = (),
    *,
    link: str = "/incidents?district={code}",
    relative: bool = False,
) -> TileMap | None:
    """The map of the province's districts that have a tile; `counts` gives each district
    code its (incidents, unacknowledged), shaded by steps or, `relative`, against the most any
    district has. None when the data file places no district."""
    placed = [d for d in province.districts if d.tile is not None]
    if not placed:
        return None
    cols = 1 + max(d.tile.col for d in placed if d.tile is not None)
    rows = 1 + max(d.tile.row for d in placed if d.tile is not None)
    width, height = cols * (TILE + GAP) + GAP, rows * (TILE + GAP) + GAP
    most = max((count for count, _ in counts.values()), default=0) if relative else None
    tiles = []
    for district in placed:
        assert district.tile is not None
        count, waiting = counts.get(district.code, (0, 0))
        tiles.append(
            MapTile(
                code=district.code,
                name=district.name_th,
                x=GAP + district.tile.col * (TILE + GAP),
                y=GAP + district.tile.row * (TILE + GAP),
                count=count,
                waiting=waiting,
                level=_level(count, most),
                href=link.format(code=district.code),
            )
        )
    bounds = province.bounds
    pins = [
        Pin(
            x=round(
                width * (item.longitude - bounds.min_lon) / (bounds.max_lon - bounds.min_lon), 1
            ),
            y=round(
                height * (bounds.max_lat - item.latitude) / (bounds.max_lat - bounds.min_lat), 1
            ),
            reference=item.reference,
            waiting=item.waiting,
            href=f"/incidents/{quote(item.reference)}",
        )
        for item in located
        if item.latitude is not None
        and item.longitude is not None
        and bounds.contains(item.latitude, item.longitude)
    ]
    return TileMap(width, height, tiles, pins)
