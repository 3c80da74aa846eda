"""after the alert: instructions, information requests, pending input, closing

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "info_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("from_person_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["from_person_id"], ["person.id"], name=op.f("fk_info_request_from_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incident.id"], name=op.f("fk_info_request_incident_id_incident")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_info_request")),
    )
    with op.batch_alter_table("info_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_info_request_incident_id"), ["incident_id"], unique=False
        )

    op.create_table(
        "instruction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("from_person_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by_id", sa.Integer(), nullable=True),
        sa.Column("remind_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"],
            ["person.id"],
            name=op.f("fk_instruction_acknowledged_by_id_person"),
        ),
        sa.ForeignKeyConstraint(
            ["from_person_id"], ["person.id"], name=op.f("fk_instruction_from_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incident.id"], name=op.f("fk_instruction_incident_id_incident")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instruction")),
    )
    with op.batch_alter_table("instruction", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_instruction_incident_id"), ["incident_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_instruction_remind_at"), ["remind_at"], unique=False)

    op.create_table(
        "pending_input",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "update",
                "instruction",
                "info_question",
                "info_answer",
                "close_summary",
                name="pendinginputkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incident.id"], name=op.f("fk_pending_input_incident_id_incident")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_pending_input_person_id_person")
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_pending_input")),
    )
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.create_index(
            "ix_delivery_chat_message", ["chat_id", "telegram_message_id"], unique=False
        )

    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("closed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("close_summary", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_incident_closed_by_id_person"), "person", ["closed_by_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_incident_closed_by_id_person"), type_="foreignkey")
        batch_op.drop_column("close_summary")
        batch_op.drop_column("closed_by_id")
        batch_op.drop_column("closed_at")

    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_index("ix_delivery_chat_message")

    op.drop_table("pending_input")
    with op.batch_alter_table("instruction", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_instruction_remind_at"))
        batch_op.drop_index(batch_op.f("ix_instruction_incident_id"))

    op.drop_table("instruction")
    with op.batch_alter_table("info_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_info_request_incident_id"))

    op.drop_table("info_request")
