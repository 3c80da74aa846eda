"""Test databases: a fresh SQLite file per test, and PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import asyncio
import os

from sqlalchemy import text

from storage import migrate
from storage.db import Database
from storage.models import Base

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
BACKENDS = ["sqlite", *(["postgresql"] if TEST_DATABASE_URL else [])]


async def _reset_postgres(url: str) -> None:
    """Bring the shared test database to head and empty every table."""
    db = Database(url)
    try:
        await migrate.upgrade(db)
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        async with db.engine.begin() as connection:
            await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        await db.dispose()


def prepare_url(backend: str, tmp_dir: str) -> str:
    """A database URL for a test, empty and (for PostgreSQL) migrated."""
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_dir}/test.db"
    asyncio.run(_reset_postgres(TEST_DATABASE_URL))
    return TEST_DATABASE_URL
