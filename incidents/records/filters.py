"""Who is looking (and so what they may see), and what they asked to see."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import (
    Boolean,
    ColumnElement,
    Integer,
    String,
    case,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy import text as sql_text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler

from incidents.access import visible_incidents
from incidents.policy import sees_everything
from incidents.records.dates import parse_day
from storage.models import Category, District, Incident, IncidentStatus, Person, Role, Urgency

PAGE_SIZE = 25
MAX_QUERY_LENGTH = 100


@dataclass(frozen=True, slots=True)
class Viewer:
    """A signed-in person as the web log sees them."""

    person_id: int
    name: str
    agency_id: int
    agency_name: str
    sees_all: bool
    is_admin: bool

    roles: frozenset[Role] = frozenset()

    @classmethod
    def of(cls, person: Person) -> Viewer:
        """The viewer's reach as the permission model (incidents/policy.py) gives it."""
        return cls(
            person_id=person.id,
            name=person.name,
            agency_id=person.agency_id,
            agency_name=person.agency.name,
            sees_all=sees_everything(person.roles),
            is_admin=person.has_role(Role.ADMIN),
            roles=person.roles,
        )

    def visible(self) -> list[ColumnElement[bool]]:
        """Conditions restricting incidents to those this viewer may see."""
        if self.sees_all:
            return []
        return visible_incidents(self.person_id, self.agency_id, self.roles)


class SortKey(StrEnum):
    """Columns the list can be sorted by."""

    OCCURRED = "occurred"
    REPORTED = "reported"
    URGENCY = "urgency"
    DISTRICT = "district"
    CATEGORY = "category"
    STATUS = "status"
    REFERENCE = "reference"


class SortOrder(StrEnum):
    """Ascending or descending."""

    ASC = "asc"
    DESC = "desc"


# Most urgent first (the stored values do not sort that way).
URGENCY_RANK = case(
    {Urgency.MOST_URGENT.value: 0, Urgency.VERY_URGENT.value: 1, Urgency.URGENT.value: 2},
    value=Incident.urgency,
)
_STATUS_RANK = case({s.value: i for i, s in enumerate(IncidentStatus)}, value=Incident.status)
SORT_COLUMNS: dict[SortKey, Any] = {
    SortKey.OCCURRED: Incident.occurred_at,
    SortKey.REPORTED: Incident.created_at,
    SortKey.URGENCY: URGENCY_RANK,
    SortKey.DISTRICT: District.code,
    SortKey.CATEGORY: Incident.category,
    SortKey.STATUS: _STATUS_RANK,
    SortKey.REFERENCE: Incident.reference,
}


class DrillFilter(StrEnum):
    """Whether drill incidents (การฝึกซ้อม) are in the list, statistics and exports: left out
    unless asked for."""

    EXCLUDE = "exclude"
    INCLUDE = "include"
    ONLY = "only"


class LinkedCount(StrEnum):
    """How incidents linked as one event (incidents/related) count: each report, or the event
    once, by its first report (the incident whose id is the group's)."""

    EACH = "each"
    ONCE = "once"


def like_pattern(text: str) -> str:
    """`%text%` with LIKE's own wildcards escaped (the escape character is a backslash)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class _NotADrill(ColumnElement[bool]):
    """Incidents that are not drills, written for each database's planner (see below)."""

    type = Boolean()
    inherit_cache = True
    _is_implicitly_boolean = True  # a comparison already: no "= 1" where booleans are ints


@compiles(_NotADrill)
def _not_a_drill_sqlite(element: _NotADrill, compiler: SQLCompiler, **kw: Any) -> str:
    # Written so that no index on drill_id serves it: nearly every incident matches, and
    # SQLite, without statistics, would otherwise take that index and then sort every row for
    # a page of 25 (the list's first page: 289 ms over 100,000 incidents, against well under
    # 1 ms walking the sort column's index). Since migration 0016 that index holds drills only
    # and could not serve this anyway; the expression keeps the plan the benchmarks measured.
    return compiler.process(func.coalesce(Incident.drill_id, 0) == 0, **kw)


@compiles(_NotADrill, "postgresql")
def _not_a_drill_postgresql(element: _NotADrill, compiler: SQLCompiler, **kw: Any) -> str:
    # PostgreSQL knows the column's share of NULLs; of an expression it knows nothing and
    # guesses 0.5%, which made a later list page sort every incident (102 ms for 25 rows,
    # against 7 ms walking the sort column's index).
    return compiler.process(Incident.drill_id.is_(None), **kw)


def not_a_drill() -> ColumnElement[bool]:
    """Incidents that are not drills (drill ids start at 1)."""
    return _NotADrill()


class IncidentFilter(BaseModel):
    """The list's filters, sort and page, as the query string gives them."""

    model_config = ConfigDict(frozen=True)

    date_from: date | None = None
    date_to: date | None = None
    district: str | None = Field(default=None, pattern=r"^\d{4}$")
    category: Category | None = None
    urgency: Urgency | None = None
    status: IncidentStatus | None = None
    q: str = Field(default="", max_length=MAX_QUERY_LENGTH)
    drills: DrillFilter = DrillFilter.EXCLUDE
    linked: LinkedCount = LinkedCount.EACH
    sort: SortKey = SortKey.OCCURRED
    order: SortOrder = SortOrder.DESC
    page: int = Field(default=1, ge=1, le=1_000_000)

    @field_validator("q", mode="before")
    @classmethod
    def _one_line(cls, value: object) -> object:
        """A search is one line: control characters (a pasted line break, a tab) become
        spaces, so the search matches what the person sees."""
        return re.sub(r"[\x00-\x1f\x7f]", " ", value) if isinstance(value, str) else value

    @field_validator("date_from", "date_to", mode="before")
    @classmethod
    def _typed_day(cls, value: object) -> object:
        """Days as people type them (`1/11/2569`), or as older links carry them (ISO)."""
        return parse_day(value) if isinstance(value, str) else value

    @classmethod
    def read(cls, values: dict[str, str]) -> tuple[IncidentFilter, dict[str, str]]:
        """Build from a query string, dropping values that do not validate (a stale link
        or a hand-edited address shows the unfiltered list rather than an error); also
        return what was dropped, by name, so a page can say so."""
        kept: dict[str, Any] = {}
        dropped: dict[str, str] = {}
        for name in cls.model_fields:
            raw = values.get(name, "").strip()
            if not raw:
                continue
            try:
                cls.model_validate({name: raw})
            except ValidationError:
                dropped[name] = raw
                continue
            kept[name] = raw
        return cls.model_validate(kept), dropped

    def conditions(self, tz: tzinfo, search: TextSearch) -> list[ColumnElement[bool]]:
        """SQL conditions for the filters (not the viewer's visibility, not the page)."""
        found: list[ColumnElement[bool]] = []
        if self.drills is DrillFilter.EXCLUDE:
            found.append(not_a_drill())
        elif self.drills is DrillFilter.ONLY:
            found.append(Incident.drill_id.is_not(None))
        if self.linked is LinkedCount.ONCE:
            first = Incident.link_group_id == Incident.id
            found.append(or_(Incident.link_group_id.is_(None), first))
        if self.date_from is not None:
            found.append(Incident.occurred_at >= _local_midnight(self.date_from, tz))
        if self.date_to is not None:
            found.append(
                Incident.occurred_at < _local_midnight(self.date_to + timedelta(days=1), tz)
            )
        if self.district:
            # A subquery, not a join: counts and statistics then read the incident table alone.
            district_id = select(District.id).where(District.code == self.district)
            found.append(Incident.district_id == district_id.scalar_subquery())
        if self.category is not None:
            found.append(Incident.category == self.category)
        if self.urgency is not None:
            found.append(Incident.urgency == self.urgency)
        if self.status is not None:
            found.append(Incident.status == self.status)
        if self.q.strip():
            found.append(_text_matches(self.q.strip(), search))
        return found

    def query_string(self, **changes: object) -> str:
        """This filter as a query string, with some values changed (for links)."""
        from urllib.parse import urlencode

        data = self.chosen() | dict(changes)
        pairs = [(k, str(v)) for k, v in data.items() if v not in (None, "")]
        return urlencode([(k, v) for k, v in pairs if not (k == "page" and v == "1")])

    def chosen(self) -> dict[str, Any]:
        """The values that differ from the defaults (what the audit trail keeps)."""
        return self.model_dump(mode="json", exclude_defaults=True)


def _local_midnight(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=tz)


SEARCHED_COLUMNS = (
    Incident.reference,
    Incident.place,
    Incident.description,
    Incident.damage_note,
    Incident.reporter_name,
    Incident.agency_name,
)


class TextSearch(StrEnum):
    """How the database finds a substring (Thai has no spaces between words, so whole words
    cannot be matched: every search is a substring search)."""

    SCAN = "scan"  # SQLite without the trigram index: read every row
    TRIGRAM = "trigram"  # SQLite's FTS5 trigram index (migration 0005) for 3+ characters
    ILIKE = "ilike"  # PostgreSQL without pg_trgm: read every row
    PG_TRIGRAM = "pg_trigram"  # PostgreSQL's pg_trgm GIN index (migration 0012), 3+ characters


# The trigram index finds substrings of at least three characters (Thai tone marks and vowel
# signs count as characters); shorter ones are looked for row by row.
TRIGRAM_MIN_LENGTH = 3


# The searched columns as one text, exactly as migration 0012 indexes it (PostgreSQL matches
# an index to a query by its expression, so this is SQL text, not bound values). A line break
# separates two columns; searches have none (IncidentFilter takes them out), so a match never
# spans two columns.
SEARCHED_TEXT = literal_column(
    "(" + " || E'\\n' || ".join(f"coalesce(incident.{c.key}, '')" for c in SEARCHED_COLUMNS) + ")",
    String,
)


def _fts_phrase(text: str) -> str:
    """An FTS5 phrase: with the trigram tokenizer it matches the text as a substring."""
    return '"' + text.replace('"', '""') + '"'


def _text_matches(text: str, search: TextSearch) -> ColumnElement[bool]:
    """A substring match in any searched column. SQLite's LIKE already ignores ASCII case,
    PostgreSQL needs ILIKE; text without Latin letters has no case at all, and instr()
    (SQLite) or strpos() (PostgreSQL) finds it faster than LIKE."""
    if search is TextSearch.PG_TRIGRAM and len(text) >= TRIGRAM_MIN_LENGTH:
        return SEARCHED_TEXT.ilike(like_pattern(text), escape="\\")
    if search is TextSearch.PG_TRIGRAM:
        search = TextSearch.ILIKE
    if search is TextSearch.TRIGRAM and len(text) >= TRIGRAM_MIN_LENGTH:
        # The index is case-blind for ASCII, like LIKE; it lives beside the incident table.
        matches = sql_text(
            "SELECT rowid FROM incident_text WHERE incident_text MATCH :phrase"
        ).bindparams(phrase=_fts_phrase(text))
        return Incident.id.in_(matches.columns(rowid=Integer))
    if not re.search("[A-Za-z]", text):
        # Nothing to fold: an exact substring test, several times faster than (I)LIKE on Thai.
        position = func.strpos if search is TextSearch.ILIKE else func.instr
        return or_(*(position(c, text) > 0 for c in SEARCHED_COLUMNS))
    if search is TextSearch.ILIKE:
        return or_(*(c.ilike(like_pattern(text), escape="\\") for c in SEARCHED_COLUMNS))
    return or_(*(c.like(like_pattern(text), escape="\\") for c in SEARCHED_COLUMNS))
