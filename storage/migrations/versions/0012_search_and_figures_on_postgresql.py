"""PostgreSQL: a trigram index for the web log's substring search, and a covering index the
statistics read instead of the incident table

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""

import logging
from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("alembic.runtime.migration")

# The searched columns as one text, a line break between two columns: the search never
# contains one (incidents/records/filters.py takes line breaks out), so a match never spans
# two columns. incidents/records/filters.py builds exactly this expression, which the index
# needs to serve a query.
_TEXT_COLUMNS = ("reference", "place", "description", "damage_note", "reporter_name", "agency_name")
SEARCHED_TEXT = " || E'\\n' || ".join(f"coalesce({c}, '')" for c in _TEXT_COLUMNS)

# What the statistics page reads of every incident (incidents/records/stats.py): an
# index-only scan of these is a tenth of the table's pages.
_FIGURE_COLUMNS = (
    "id",
    "agency_id",
    "district_id",
    "category",
    "urgency",
    "status",
    "drill_id",
    "link_group_id",
    "created_at",
    "acknowledged_at",
    "dead",
    "injured",
    "missing",
    "affected_households",
)


def _trigram_extension() -> bool:
    """pg_trgm, created here when it is not yet and the database lets us (a trusted extension
    since PostgreSQL 13: a database owner may create it); False when it cannot be."""
    bind = op.get_bind()
    present = "SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'"
    if bind.exec_driver_sql(present).scalar_one():
        return True
    available = "SELECT count(*) FROM pg_available_extensions WHERE name = 'pg_trgm'"
    if not bind.exec_driver_sql(available).scalar_one():
        log.warning("pg_trgm is not installed on this server: the web log's search reads every row")
        return False
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception as error:
        log.warning(
            "pg_trgm could not be created (%s): the web log's search reads every row; "
            "a superuser can run CREATE EXTENSION pg_trgm and then `incident-bot db upgrade`",
            type(error).__name__,
        )
        return False
    return True


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    if _trigram_extension():
        op.execute(
            f"CREATE INDEX IF NOT EXISTS ix_incident_text_trgm ON incident "
            f"USING gin (({SEARCHED_TEXT}) gin_trgm_ops)"
        )
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_incident_figures ON incident (occurred_at) "
        f"INCLUDE ({', '.join(_FIGURE_COLUMNS)})"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_incident_figures")
    op.execute("DROP INDEX IF EXISTS ix_incident_text_trgm")
