"""Reading a roster CSV into validated rows, naming every bad row by line and reason."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from incidents.provinces import ProvinceData
from storage.models import Role

REQUIRED_COLUMNS = ("id", "name", "position", "agency", "district", "phone", "roles")
OPTIONAL_COLUMNS = ("active",)
MAX_ROWS = 5000

# Roles may be written in English or in Thai; both map to the same enum.
ROLE_ALIASES: dict[str, Role] = {
    "reporter": Role.REPORTER,
    "executive": Role.EXECUTIVE,
    "admin": Role.ADMIN,
    "ผู้รายงาน": Role.REPORTER,
    "ผู้บริหาร": Role.EXECUTIVE,
    "ผู้ดูแลระบบ": Role.ADMIN,
}
_TRUE = {"1", "yes", "true", "y", "ใช่", "active"}
_FALSE = {"0", "no", "false", "n", "ไม่", "inactive"}
_PHONE_RE = re.compile(r"^\+?[0-9][0-9 \-]{5,19}$")
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def _clean(value: str) -> str:
    """Normalise Unicode (Thai typed on different keyboards) and collapse whitespace."""
    return " ".join(unicodedata.normalize("NFC", value).split())


class RosterRow(BaseModel):
    """One validated roster line."""

    model_config = ConfigDict(frozen=True)

    line: int
    roster_id: str
    name: str = Field(min_length=1, max_length=200)
    position: str = Field(min_length=1, max_length=200)
    agency: str = Field(min_length=1, max_length=200)
    district_code: str | None
    phone: str = Field(max_length=40)
    roles: frozenset[Role] = Field(min_length=1)
    active: bool | None = None

    @field_validator("roster_id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not _ID_RE.match(value):
            raise ValueError("id must be 1-64 letters, digits, '.', '_' or '-'")
        return value

    @field_validator("phone")
    @classmethod
    def _phone_shape(cls, value: str) -> str:
        if value and not _PHONE_RE.match(value):
            raise ValueError(f"phone {value!r} is not a telephone number")
        return value


@dataclass(frozen=True, slots=True)
class RowError:
    """Why one line of the file was refused."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass(frozen=True, slots=True)
class ParsedRoster:
    """The outcome of reading a file: good rows, or the errors that reject it."""

    rows: list[RosterRow]
    errors: list[RowError]
    encoding: str


def decode(raw: bytes) -> tuple[str, str]:
    """Decode UTF-8 (with or without BOM), falling back to Thai Windows' cp874 from Excel."""
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("cp874", errors="strict"), "cp874"


def _parse_roles(text: str) -> frozenset[Role]:
    roles: set[Role] = set()
    for part in re.split(r"[;,|]", text):
        name = part.strip().lower()
        if not name:
            continue
        if name not in ROLE_ALIASES:
            allowed = ", ".join(r.value for r in Role)
            raise ValueError(f"unknown role {part.strip()!r} (use {allowed}, separated by ';')")
        roles.add(ROLE_ALIASES[name])
    if not roles:
        raise ValueError("roles is empty (use reporter, executive or admin, separated by ';')")
    return frozenset(roles)


def _parse_active(text: str) -> bool | None:
    value = text.strip().lower()
    if not value:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"active {text!r} must be yes or no")


def _row(line: int, cells: dict[str, str], province: ProvinceData) -> RosterRow:
    district = cells["district"].strip()
    if district and province.district(district) is None:
        codes = ", ".join(d.code for d in province.districts)
        raise ValueError(
            f"district {district!r} is not a DOPA code of {province.name_en} ({codes})"
        )
    return RosterRow(
        line=line,
        roster_id=cells["id"].strip(),
        name=_clean(cells["name"]),
        position=_clean(cells["position"]),
        agency=_clean(cells["agency"]),
        district_code=district or None,
        phone=_clean(cells["phone"]),
        roles=_parse_roles(cells["roles"]),
        active=_parse_active(cells.get("active", "")),
    )


def _reason(exc: ValidationError | ValueError) -> str:
    if isinstance(exc, ValidationError):
        parts = []
        for err in exc.errors():
            field = str(err["loc"][0]) if err["loc"] else ""
            field = {"roster_id": "id", "district_code": "district"}.get(field, field)
            message = str(err["msg"]).removeprefix("Value error, ")
            parts.append(f"{field}: {message}" if field else message)
        return "; ".join(parts)
    return str(exc)


def parse(raw: bytes, province: ProvinceData) -> ParsedRoster:
    """Read and validate a whole roster file; any error rejects the file."""
    try:
        text, encoding = decode(raw)
    except UnicodeDecodeError:
        return ParsedRoster(
            [], [RowError(1, "the file is neither UTF-8 nor Thai (cp874) text")], ""
        )

    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        return ParsedRoster([], [RowError(1, "the file is empty")], encoding)
    columns = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        return ParsedRoster([], [RowError(1, f"missing column(s): {', '.join(missing)}")], encoding)

    rows: list[RosterRow] = []
    errors: list[RowError] = []
    first_line_of: dict[str, int] = {}
    while True:
        line = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(RowError(line, f"malformed CSV: {exc}"))
            break
        if not any(cell.strip() for cell in record):
            continue
        if len(rows) + len(errors) >= MAX_ROWS:
            errors.append(RowError(line, f"more than {MAX_ROWS} rows"))
            break
        if len(record) > len(columns):
            errors.append(RowError(line, f"{len(record)} cells but {len(columns)} columns"))
            continue
        cells = dict(zip(columns, record + [""] * (len(columns) - len(record)), strict=True))
        try:
            row = _row(line, cells, province)
        except (ValidationError, ValueError) as exc:
            errors.append(RowError(line, _reason(exc)))
            continue
        if row.roster_id in first_line_of:
            errors.append(
                RowError(line, f"id {row.roster_id!r} repeats line {first_line_of[row.roster_id]}")
            )
            continue
        first_line_of[row.roster_id] = line
        rows.append(row)
    if not rows and not errors:
        errors.append(RowError(2, "the file has a header but no people"))
    return ParsedRoster(rows, errors, encoding)
