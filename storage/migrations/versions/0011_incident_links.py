"""Related incidents: pairs suggested at filing or linked by executives, and the group an
incident counts in once

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "incident_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("low_id", sa.Integer(), nullable=False),
        sa.Column("high_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_via", sa.String(length=16), nullable=False),
        sa.CheckConstraint("low_id < high_id", name="ck_incident_link_order"),
        sa.ForeignKeyConstraint(
            ["low_id"], ["incident.id"], name="fk_incident_link_low_id_incident"
        ),
        sa.ForeignKeyConstraint(
            ["high_id"], ["incident.id"], name="fk_incident_link_high_id_incident"
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["person.id"], name="fk_incident_link_changed_by_id_person"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_incident_link"),
        sa.UniqueConstraint("low_id", "high_id", name="uq_incident_link_pair"),
    )
    op.create_index("ix_incident_link_high", "incident_link", ["high_id"])
    with op.batch_alter_table("incident") as batch:
        batch.add_column(sa.Column("link_group_id", sa.Integer(), nullable=True))
        batch.create_index("ix_incident_link_group_id", ["link_group_id"])


def downgrade() -> None:
    # Not a batch rebuild of incident: that would lose its search triggers and the time to
    # acknowledge index. SQLite drops an unindexed column in place (3.35 and later).
    op.drop_index("ix_incident_link_group_id", table_name="incident")
    op.drop_column("incident", "link_group_id")
    op.drop_index("ix_incident_link_high", table_name="incident_link")
    op.drop_table("incident_link")
