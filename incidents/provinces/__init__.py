"""Province data shipped with the product (one JSON file per province)."""

from __future__ import annotations

from functools import cache
from importlib import resources

from pydantic import BaseModel, Field, model_validator


class Seat(BaseModel):
    """Approximate coordinates of a district's seat (ที่ว่าการอำเภอ), for places to offer."""

    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)


class Tile(BaseModel):
    """Where a district's tile sits on the province's tile map: one square per district,
    placed roughly where the district lies (column 0 is the west, row 0 the north)."""

    col: int = Field(ge=0, le=20)
    row: int = Field(ge=0, le=20)


class DistrictData(BaseModel):
    """One district (อำเภอ) as DOPA codes it."""

    code: str = Field(pattern=r"^\d{4}$")
    name_th: str
    name_en: str
    seat: Seat | None = None
    tile: Tile | None = None


class Bounds(BaseModel):
    """A generous bounding box around the province, for sanity checks on location pins."""

    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float

    def contains(self, latitude: float, longitude: float) -> bool:
        """Whether the point lies inside the box."""
        return (
            self.min_lat <= latitude <= self.max_lat and self.min_lon <= longitude <= self.max_lon
        )


class ProvinceData(BaseModel):
    """A province: its codes, names and districts."""

    key: str
    dopa_code: str = Field(pattern=r"^\d{2}$")
    reference_prefix: str = Field(pattern=r"^[A-Z]{2,8}$")
    name_th: str
    name_en: str
    timezone: str = "Asia/Bangkok"
    bounds: Bounds
    districts: list[DistrictData]

    @model_validator(mode="after")
    def _tiles_apart(self) -> ProvinceData:
        """No two districts on one tile of the map."""
        placed = [(d.tile.col, d.tile.row) for d in self.districts if d.tile is not None]
        if len(placed) != len(set(placed)):
            raise ValueError("two districts share a tile of the map")
        return self

    def district(self, code: str) -> DistrictData | None:
        """The district with that DOPA code, if it belongs to the province."""
        return next((d for d in self.districts if d.code == code), None)


class UnknownProvinceError(LookupError):
    """No data file ships for the requested province."""


def available() -> list[str]:
    """Keys of the provinces whose data ships with the product."""
    folder = resources.files(__package__)
    return sorted(
        p.name.removesuffix(".json") for p in folder.iterdir() if p.name.endswith(".json")
    )


@cache
def load(key: str) -> ProvinceData:
    """Load a province's data by key (e.g. "phichit")."""
    path = resources.files(__package__) / f"{key}.json"
    if not key.isascii() or not key.replace("_", "").isalpha() or not path.is_file():
        raise UnknownProvinceError(
            f"PROVINCE={key!r} has no data file; available: {', '.join(available())}"
        )
    return ProvinceData.model_validate_json(path.read_text(encoding="utf-8"))
