"""Subscribers: systems reading the CAP feed with a token, or sent signed webhooks

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "subscriber",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("province_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("secret", sa.String(length=100), nullable=True),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["province_id"], ["province.id"], name="fk_subscriber_province_id_province"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_subscriber"),
        sa.UniqueConstraint("token_sha256", name="uq_subscriber_token_sha256"),
    )
    op.create_index("ix_subscriber_province_id", "subscriber", ["province_id"])


def downgrade() -> None:
    op.drop_index("ix_subscriber_province_id", table_name="subscriber")
    op.drop_table("subscriber")
