"""audit: repeated refusals folded into one row with a count

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Adding columns never rebuilds the table on SQLite, so no trigger of 0005 is touched.
    with op.batch_alter_table("audit_event") as batch:
        batch.add_column(sa.Column("count", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("last_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("fold_key", sa.String(length=64), nullable=True))
    op.create_index("ix_audit_event_fold_key", "audit_event", ["fold_key"])


def downgrade() -> None:
    op.drop_index("ix_audit_event_fold_key", table_name="audit_event")
    with op.batch_alter_table("audit_event") as batch:
        batch.drop_column("fold_key")
        batch.drop_column("last_at")
        batch.drop_column("count")
