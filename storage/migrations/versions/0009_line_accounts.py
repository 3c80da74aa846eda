"""LINE accounts of people, invitations used from LINE, and unknown LINE accounts

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A LINE user id is "U" and 32 hexadecimal characters.
_LINE_USER_ID = sa.String(length=33)


def upgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.add_column(sa.Column("line_user_id", _LINE_USER_ID, nullable=True))
        batch.add_column(sa.Column("line_joined_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("line_unreachable_since", sa.DateTime(timezone=True), nullable=True)
        )
        batch.create_unique_constraint("uq_person_line_user_id", ["line_user_id"])
    with op.batch_alter_table("invite") as batch:
        batch.add_column(sa.Column("used_by_line_user_id", _LINE_USER_ID, nullable=True))
    op.create_table(
        "line_stranger_contact",
        sa.Column("line_user_id", _LINE_USER_ID, nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_notified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("line_user_id", name="pk_line_stranger_contact"),
    )


def downgrade() -> None:
    op.drop_table("line_stranger_contact")
    with op.batch_alter_table("invite") as batch:
        batch.drop_column("used_by_line_user_id")
    with op.batch_alter_table("person") as batch:
        batch.drop_constraint("uq_person_line_user_id", type_="unique")
        batch.drop_column("line_unreachable_since")
        batch.drop_column("line_joined_at")
        batch.drop_column("line_user_id")
