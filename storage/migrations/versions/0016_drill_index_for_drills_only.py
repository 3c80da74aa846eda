"""The drill index holds drills' incidents only, so "not a drill" never reads it

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DRILLS = sa.text("drill_id IS NOT NULL")


def upgrade() -> None:
    op.drop_index("ix_incident_drill_id", table_name="incident")
    op.create_index(
        "ix_incident_drill_id",
        "incident",
        ["drill_id"],
        sqlite_where=_DRILLS,
        postgresql_where=_DRILLS,
    )


def downgrade() -> None:
    op.drop_index("ix_incident_drill_id", table_name="incident")
    op.create_index("ix_incident_drill_id", "incident", ["drill_id"])
