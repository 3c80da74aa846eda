"""Each test's database is a private copy of the session's migrated template."""

from __future__ import annotations

import stat
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from storage import migrate
from storage.db import Database
from storage.models import Base
from tests.storage.test_migrations import _head
from tests.support.database import TEST_DATABASE_URL


async def test_a_tests_database_is_at_head_with_no_rows(database_url: str):
    db = Database(database_url)
    try:
        assert await migrate.current_revision(db) == _head()
        async with db.read() as session:
            for table in Base.metadata.sorted_tables:
                assert await session.scalar(select(func.count()).select_from(table)) == 0, table
    finally:
        await db.dispose()


def test_a_tests_database_is_its_own(database_url: str, tmp_path: Path):
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        path = Path(url.database or "")
        assert path.parent == tmp_path
        assert stat.S_IMODE(path.stat().st_mode) == 0o600  # as the product makes it
    else:
        assert url.database != make_url(TEST_DATABASE_URL).database  # not the shared one
