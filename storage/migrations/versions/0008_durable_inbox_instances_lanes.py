"""durable inbox, running instances, and delivery lanes with claims by instance

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STATUS = sa.Enum("pending", "done", "failed", name="inboxstatus", native_enum=False, length=32)


def upgrade() -> None:
    op.create_table(
        "inbox_update",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("lane", sa.String(length=80), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", _STATUS, nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_inbox_update"),
        sa.UniqueConstraint("channel", "external_id", name="uq_inbox_update_channel_external_id"),
    )
    op.create_index("ix_inbox_update_pending_lane", "inbox_update", ["status", "lane", "id"])
    op.create_index("ix_inbox_update_received_at", "inbox_update", ["received_at"])
    # Updates handled before the inbox existed stay known, so a late redelivery is dropped.
    op.execute(
        "INSERT INTO inbox_update (channel, external_id, lane, payload, status, received_at,"
        " attempts, next_attempt_at, handled_at, last_error)"
        " SELECT 'telegram', CAST(update_id AS VARCHAR(64)), '', '{}', 'done', at, 1, at, at, ''"
        " FROM processed_update"
    )
    op.drop_index("ix_processed_update_at", table_name="processed_update")
    op.drop_table("processed_update")

    op.create_table(
        "instance",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("incarnation", sa.String(length=32), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_instance"),
    )
    op.create_index("ix_instance_heartbeat_at", "instance", ["heartbeat_at"])

    with op.batch_alter_table("delivery") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("lane", sa.String(length=80), nullable=True))
    op.create_index("ix_delivery_pending_lane", "delivery", ["status", "lane", "id"])


def downgrade() -> None:
    op.drop_index("ix_delivery_pending_lane", table_name="delivery")
    with op.batch_alter_table("delivery") as batch:
        batch.drop_column("lane")
        batch.drop_column("claimed_by")
    op.drop_index("ix_instance_heartbeat_at", table_name="instance")
    op.drop_table("instance")
    op.create_table(
        "processed_update",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("update_id", name="pk_processed_update"),
    )
    op.create_index("ix_processed_update_at", "processed_update", ["at"])
    op.execute(
        "INSERT INTO processed_update (update_id, at) SELECT CAST(external_id AS BIGINT),"
        " handled_at FROM inbox_update WHERE channel = 'telegram' AND status = 'done'"
        " AND handled_at IS NOT NULL"
    )
    op.drop_index("ix_inbox_update_received_at", table_name="inbox_update")
    op.drop_index("ix_inbox_update_pending_lane", table_name="inbox_update")
    op.drop_table("inbox_update")
