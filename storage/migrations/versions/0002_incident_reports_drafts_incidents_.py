"""incident reports: drafts, incidents, attachments, timeline

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "processed_update",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("update_id", name=op.f("pk_processed_update")),
    )
    with op.batch_alter_table("processed_update", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_processed_update_at"), ["at"], unique=False)

    op.create_table(
        "incident_sequence",
        sa.Column("province_id", sa.Integer(), nullable=False),
        sa.Column("year_be", sa.Integer(), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["province_id"], ["province.id"], name=op.f("fk_incident_sequence_province_id_province")
        ),
        sa.PrimaryKeyConstraint("province_id", "year_be", name=op.f("pk_incident_sequence")),
    )
    op.create_table(
        "incident",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("province_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("year_be", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "flood",
                "storm",
                "fire",
                "drought",
                "cold",
                "wildfire_haze",
                "hazmat",
                "major_accident",
                "epidemic_human",
                "epidemic_animal",
                "epidemic_plant",
                "unrest",
                "serious_crime",
                "utilities",
                "media",
                "other",
                name="category",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "urgency",
            sa.Enum(
                "most_urgent", "very_urgent", "urgent", name="urgency", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("ddpm_level", sa.Integer(), nullable=True),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("place", sa.Text(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("dead", sa.Integer(), nullable=True),
        sa.Column("injured", sa.Integer(), nullable=True),
        sa.Column("missing", sa.Integer(), nullable=True),
        sa.Column("affected_households", sa.Integer(), nullable=True),
        sa.Column("damage_note", sa.Text(), nullable=True),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("reporter_name", sa.String(length=200), nullable=False),
        sa.Column("reporter_position", sa.String(length=200), nullable=False),
        sa.Column("reporter_phone", sa.String(length=40), nullable=False),
        sa.Column("agency_name", sa.String(length=200), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "reported",
                "acknowledged",
                "in_progress",
                "under_control",
                "resolved",
                "closed",
                name="incidentstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_incident_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["district_id"], ["district.id"], name=op.f("fk_incident_district_id_district")
        ),
        sa.ForeignKeyConstraint(
            ["province_id"], ["province.id"], name=op.f("fk_incident_province_id_province")
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"], ["person.id"], name=op.f("fk_incident_reporter_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident")),
        sa.UniqueConstraint("province_id", "year_be", "sequence", name="uq_incident_sequence"),
        sa.UniqueConstraint("reference", name=op.f("uq_incident_reference")),
    )
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incident_agency_id"), ["agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_incident_category"), ["category"], unique=False)
        batch_op.create_index(batch_op.f("ix_incident_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_incident_district_id"), ["district_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_incident_occurred_at"), ["occurred_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_incident_province_id"), ["province_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_incident_reporter_id"), ["reporter_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_incident_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_incident_urgency"), ["urgency"], unique=False)

    op.create_table(
        "incident_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "kind", sa.Enum("filed", name="eventkind", native_enum=False, length=32), nullable=False
        ),
        sa.Column("actor_person_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_person_id"],
            ["person.id"],
            name=op.f("fk_incident_event_actor_person_id_person"),
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incident.id"], name=op.f("fk_incident_event_incident_id_incident")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_event")),
    )
    with op.batch_alter_table("incident_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_incident_event_incident_id"), ["incident_id"], unique=False
        )

    op.create_table(
        "report_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=12), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "filed",
                "cancelled",
                "expired",
                name="draftstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "step",
            sa.Enum(
                "category",
                "urgency",
                "ddpm_level",
                "district",
                "place",
                "location",
                "location_confirm",
                "occurred_at",
                "description",
                "impact",
                "damage",
                "attachments",
                "review",
                name="reportstep",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("returning_to_review", sa.Boolean(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incident.id"], name=op.f("fk_report_draft_incident_id_incident")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_report_draft_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_draft")),
        sa.UniqueConstraint("incident_id", name=op.f("uq_report_draft_incident_id")),
    )
    with op.batch_alter_table("report_draft", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_draft_person_id"), ["person_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_report_draft_updated_at"), ["updated_at"], unique=False
        )
        batch_op.create_index(
            "uq_report_draft_open_person",
            ["person_id"],
            unique=True,
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        )

    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "photo",
                "document",
                "voice",
                "video",
                "audio",
                name="attachmentkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("telegram_file_id", sa.String(length=255), nullable=False),
        sa.Column("telegram_file_unique_id", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("mime_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("stored_path", sa.String(length=255), nullable=True),
        sa.Column("caption", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["draft_id"], ["report_draft.id"], name=op.f("fk_attachment_draft_id_report_draft")
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incident.id"], name=op.f("fk_attachment_incident_id_incident")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment")),
    )
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attachment_draft_id"), ["draft_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_attachment_incident_id"), ["incident_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachment_incident_id"))
        batch_op.drop_index(batch_op.f("ix_attachment_draft_id"))

    op.drop_table("attachment")
    with op.batch_alter_table("report_draft", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_report_draft_open_person",
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        )
        batch_op.drop_index(batch_op.f("ix_report_draft_updated_at"))
        batch_op.drop_index(batch_op.f("ix_report_draft_person_id"))

    op.drop_table("report_draft")
    with op.batch_alter_table("incident_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_event_incident_id"))

    op.drop_table("incident_event")
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_urgency"))
        batch_op.drop_index(batch_op.f("ix_incident_status"))
        batch_op.drop_index(batch_op.f("ix_incident_reporter_id"))
        batch_op.drop_index(batch_op.f("ix_incident_province_id"))
        batch_op.drop_index(batch_op.f("ix_incident_occurred_at"))
        batch_op.drop_index(batch_op.f("ix_incident_district_id"))
        batch_op.drop_index(batch_op.f("ix_incident_created_at"))
        batch_op.drop_index(batch_op.f("ix_incident_category"))
        batch_op.drop_index(batch_op.f("ix_incident_agency_id"))

    op.drop_table("incident")
    op.drop_table("incident_sequence")
    with op.batch_alter_table("processed_update", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_processed_update_at"))

    op.drop_table("processed_update")
