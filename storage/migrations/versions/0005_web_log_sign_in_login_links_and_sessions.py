"""web log sign-in: login links and sessions

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ACKED = "WHERE acknowledged_at IS NOT NULL"


def _ack_delay() -> str:
    if op.get_bind().dialect.name == "postgresql":
        return "EXTRACT(epoch FROM acknowledged_at - created_at)"
    return "julianday(acknowledged_at) - julianday(created_at)"


# The web log's free-text search on SQLite: an FTS5 trigram index over the searched columns
# (incidents/records/filters.py), so a substring of three or more characters is found without reading
# every incident. It indexes the incident table's own rows (external content) and triggers keep
# it in step. SQLite only (PostgreSQL uses ILIKE), and only where FTS5's trigram tokenizer
# exists (SQLite 3.34 or newer, FTS5 compiled in); without it the search reads every row.
# A later migration that rebuilds the incident table on SQLite (batch_alter_table) drops these
# triggers with the old table and must create them again.
_TEXT_COLUMNS = ("reference", "place", "description", "damage_note", "reporter_name", "agency_name")


def _fts5_trigram_available() -> bool:
    bind = op.get_bind()
    version = bind.exec_driver_sql("SELECT sqlite_version()").scalar_one()
    fts5 = bind.exec_driver_sql("SELECT sqlite_compileoption_used('ENABLE_FTS5')").scalar_one()
    return bool(fts5) and tuple(int(p) for p in str(version).split(".")[:2]) >= (3, 34)


def _create_text_index() -> None:
    if op.get_bind().dialect.name != "sqlite" or not _fts5_trigram_available():
        return
    columns = ", ".join(_TEXT_COLUMNS)
    new = ", ".join(f"new.{c}" for c in _TEXT_COLUMNS)
    old = ", ".join(f"old.{c}" for c in _TEXT_COLUMNS)
    # Fixed column names only: nothing here comes from input.
    forget = f"INSERT INTO incident_text(incident_text, rowid, {columns}) VALUES ('delete', old.id, {old});"  # noqa: S608
    remember = f"INSERT INTO incident_text(rowid, {columns}) VALUES (new.id, {new});"  # noqa: S608
    op.execute(
        f"CREATE VIRTUAL TABLE incident_text USING fts5({columns}, "
        "content='incident', content_rowid='id', tokenize='trigram')"
    )
    op.execute(f"CREATE TRIGGER incident_text_insert AFTER INSERT ON incident BEGIN {remember} END")
    op.execute(f"CREATE TRIGGER incident_text_delete AFTER DELETE ON incident BEGIN {forget} END")
    op.execute(
        f"CREATE TRIGGER incident_text_update AFTER UPDATE OF {columns} ON incident "
        f"BEGIN {forget} {remember} END"
    )
    op.execute("INSERT INTO incident_text(incident_text) VALUES ('rebuild')")


def upgrade() -> None:
    op.create_table(
        "web_login_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_web_login_token_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_login_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_web_login_token_token_hash")),
    )
    with op.batch_alter_table("web_login_token", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_web_login_token_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "web_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("session_hash", sa.String(length=64), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_web_session_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_session")),
        sa.UniqueConstraint("session_hash", name=op.f("uq_web_session_session_hash")),
    )
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_session_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_web_session_person_id"), ["person_id"], unique=False)

    # The web log's percentiles of the time to the first acknowledgement read this index
    # (incidents/records/stats.py orders by the very same expression). The expression differs by
    # backend, so the index lives here, not in the models; env.py keeps autogenerate off it.
    op.execute(f"CREATE INDEX ix_incident_ack_delay ON incident (({_ack_delay()})) {_ACKED}")
    _create_text_index()


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("incident_text_insert", "incident_text_update", "incident_text_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS incident_text")
    op.execute("DROP INDEX ix_incident_ack_delay")
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_session_person_id"))
        batch_op.drop_index(batch_op.f("ix_web_session_expires_at"))

    op.drop_table("web_session")
    with op.batch_alter_table("web_login_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_login_token_person_id"))

    op.drop_table("web_login_token")
