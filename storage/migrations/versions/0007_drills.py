"""drills: drill, its participants, its own reference series, incident.drill_id

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "drill",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("province_id", sa.Integer(), sa.ForeignKey("province.id"), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("scenario_key", sa.String(length=64), nullable=True),
        sa.Column("started_by_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "status",
            sa.Enum("running", "ended", name="drillstatus", native_enum=False, length=32),
            nullable=False,
        ),
    )
    op.create_index("ix_drill_province_id", "drill", ["province_id"])
    op.create_index("ix_drill_ends_at", "drill", ["ends_at"])
    op.create_index("ix_drill_status", "drill", ["status"])
    op.create_table(
        "drill_participant",
        sa.Column("drill_id", sa.Integer(), sa.ForeignKey("drill.id"), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("person.id"), primary_key=True),
    )
    op.create_table(
        "drill_sequence",
        sa.Column("province_id", sa.Integer(), sa.ForeignKey("province.id"), primary_key=True),
        sa.Column("year_be", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
    )
    # A plain ADD COLUMN with REFERENCES inline: never a rebuild of the incident table on
    # SQLite, which would lose 0005's expression index and search triggers.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE incident ADD COLUMN drill_id INTEGER REFERENCES drill (id)")
    else:
        op.add_column("incident", sa.Column("drill_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "fk_incident_drill_id_drill", "incident", "drill", ["drill_id"], ["id"]
        )
    op.create_index("ix_incident_drill_id", "incident", ["drill_id"])


def _restore_after_rebuild() -> None:
    """Dropping a foreign-key column rebuilds the incident table on SQLite, which loses 0005's
    expression index and search triggers: create them again as 0005 does."""
    path = Path(__file__).with_name("0005_web_log_sign_in_login_links_and_sessions.py")
    spec = importlib.util.spec_from_file_location("migration_0005", path)
    assert spec is not None and spec.loader is not None
    m0005 = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m0005)
    op.execute("DROP INDEX IF EXISTS ix_incident_ack_delay")
    op.execute(
        f"CREATE INDEX ix_incident_ack_delay ON incident (({m0005._ack_delay()})) {m0005._ACKED}"
    )
    for trigger in ("incident_text_insert", "incident_text_update", "incident_text_delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS incident_text")
    m0005._create_text_index()


def downgrade() -> None:
    op.drop_index("ix_incident_drill_id", table_name="incident")
    with op.batch_alter_table("incident") as batch:
        batch.drop_column("drill_id")
    if op.get_bind().dialect.name == "sqlite":
        _restore_after_rebuild()
    op.drop_table("drill_sequence")
    op.drop_table("drill_participant")
    op.drop_index("ix_drill_status", table_name="drill")
    op.drop_index("ix_drill_ends_at", table_name="drill")
    op.drop_index("ix_drill_province_id", table_name="drill")
    op.drop_table("drill")
