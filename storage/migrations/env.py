"""Alembic environment: runs on a connection handed in by storage.migrate, or opens its own."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from storage.models import Base, UTCDateTime

config = context.config
target_metadata = Base.metadata


def _render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Render our column types as plain SQLAlchemy ones, so migrations never import models."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


# Written by hand in migrations 0005 and 0012 because they differ by backend (expression and
# covering indexes, PostgreSQL's trigram index, SQLite's FTS5 trigram table with its shadow
# tables); they are not in the models, so autogenerate must not propose dropping them.
MIGRATION_ONLY_INDEXES = frozenset(
    {"ix_incident_ack_delay", "ix_incident_text_trgm", "ix_incident_figures"}
)
MIGRATION_ONLY_TABLE_PREFIX = "incident_text"


def _include_name(name: str | None, type_: str, _parents: Any) -> bool:
    if type_ == "index":
        return name not in MIGRATION_ONLY_INDEXES
    if type_ == "table":
        return not (name or "").startswith(MIGRATION_ONLY_TABLE_PREFIX)
    return True


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
        include_name=_include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_with_own_engine(url: str) -> None:
    engine = create_async_engine(url)
    async with engine.connect() as connection:
        await connection.run_sync(_run)
        await connection.commit()
    await engine.dispose()


def run_migrations_offline() -> None:
    """Emit SQL to stdout instead of running it."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run against the shared connection, or a fresh engine for the configured URL."""
    shared = config.attributes.get("connection")
    if shared is not None:
        _run(shared)
        return
    asyncio.run(_run_with_own_engine(str(config.get_main_option("sqlalchemy.url"))))


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
