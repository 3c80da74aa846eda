"""Deliveries and alert recipients on LINE: the channel, the LINE account, the retry key;
and which of a person's channels their alerts go to

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _channel() -> sa.Column[str]:
    # Every row written before LINE existed went to Telegram.
    return sa.Column("channel", sa.String(length=16), nullable=False, server_default="telegram")


def _address() -> sa.Column[str]:
    return sa.Column("address", sa.String(length=64), nullable=False, server_default=sa.text("''"))


def upgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.add_column(
            sa.Column("reach", sa.String(length=16), nullable=False, server_default="all")
        )
    with op.batch_alter_table("delivery") as batch:
        batch.add_column(_channel())
        batch.add_column(_address())
        batch.add_column(sa.Column("retry_key", sa.String(length=36), nullable=True))
        batch.add_column(sa.Column("external_message_id", sa.String(length=32), nullable=True))
        batch.create_index("ix_delivery_external_message", ["external_message_id"])
    with op.batch_alter_table("alert_recipient") as batch:
        batch.add_column(_channel())
        batch.add_column(_address())
        batch.drop_constraint("uq_alert_recipient_chat", type_="unique")
        batch.create_unique_constraint(
            "uq_alert_recipient_account", ["incident_id", "channel", "chat_id", "address"]
        )


def downgrade() -> None:
    # LINE rows have no Telegram chat: they cannot be kept in the older shape.
    op.execute("DELETE FROM alert_recipient WHERE channel <> 'telegram'")
    op.execute("DELETE FROM delivery WHERE channel <> 'telegram'")
    with op.batch_alter_table("alert_recipient") as batch:
        batch.drop_constraint("uq_alert_recipient_account", type_="unique")
        batch.create_unique_constraint("uq_alert_recipient_chat", ["incident_id", "chat_id"])
        batch.drop_column("address")
        batch.drop_column("channel")
    with op.batch_alter_table("delivery") as batch:
        batch.drop_index("ix_delivery_external_message")
        batch.drop_column("external_message_id")
        batch.drop_column("retry_key")
        batch.drop_column("address")
        batch.drop_column("channel")
    with op.batch_alter_table("person") as batch:
        batch.drop_column("reach")
