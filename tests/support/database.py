"""Test databases: migrated once per session into a template, copied for each test.

Running the migrations takes most of a second; copying their result takes milliseconds. So the
migrations run once per session, lazily, into a template, and each test gets its own copy:

- SQLite: a template file; each test gets a copy in its own tmp_path, 0600 like the template
  (the product creates its database file 0600 and tests must see the same).
- PostgreSQL, when TEST_DATABASE_URL is set: a template database beside that one; each test gets
  `CREATE DATABASE … TEMPLATE …`, dropped after the test. TEST_DATABASE_URL's own database only
  serves to issue those statements, so its role needs CREATEDB (the superuser of a throwaway
  server has it). The names are derived from it, so a run that was killed leaves databases that
  the next run over the same URL drops before it creates them again.

The tests of the migrations themselves ask for a database without a schema instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import asyncpg
from sqlalchemy.engine import URL, make_url

from storage import migrate
from storage.db import Database

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
BACKENDS = ["sqlite", *(["postgresql"] if TEST_DATABASE_URL else [])]


async def _migrate(url: str) -> None:
    db = Database(url)
    try:
        await migrate.upgrade(db)
    finally:
        await db.dispose()


def _sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


class SqliteTemplate:
    """A migrated SQLite file, made on first use, copied for each test."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "template.db"
        self._made = False

    def _make(self) -> None:
        asyncio.run(_migrate(_sqlite_url(self.path)))
        # Closing the last connection checkpoints the WAL into the file and removes it: the
        # file alone is the whole database, and copying it is enough.
        assert not Path(f"{self.path}-wal").exists(), "the template's WAL was not checkpointed"
        self._made = True

    @contextlib.contextmanager
    def database(self, folder: Path, *, migrated: bool) -> Iterator[str]:
        target = folder / "test.db"
        if migrated:
            if not self._made:
                self._make()
            shutil.copy(self.path, target)  # the 0600 mode bits come along
        yield _sqlite_url(target)


class PostgresTemplate:
    """A migrated PostgreSQL database, made on first use, cloned for each test."""

    def __init__(self, url: str) -> None:
        self.url: URL = make_url(url)
        base = self.url.database or "postgres"
        # Each pytest-xdist worker has a session of its own, so a template and copies of its own.
        worker = os.environ.get("PYTEST_XDIST_WORKER", "")
        self._prefix = f"{base[:40]}_{worker}" if worker else base[:50]
        self.template = f"{self._prefix}_tpl"
        self._numbers = itertools.count(1)
        self._made = False

    def _url_of(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    async def _admin(self, *statements: str) -> None:
        """Run statements on TEST_DATABASE_URL's own database (CREATE/DROP DATABASE)."""
        dsn = self.url.set(drivername="postgresql").render_as_string(hide_password=False)
        connection = await asyncpg.connect(dsn, timeout=10)
        try:
            for statement in statements:
                await connection.execute(statement)
        finally:
            await connection.close()

    def _make(self) -> None:
        drop = f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)'
        asyncio.run(self._admin(drop, f'CREATE DATABASE "{self.template}"'))
        asyncio.run(_migrate(self._url_of(self.template)))
        self._made = True

    @contextlib.contextmanager
    def database(self, folder: Path, *, migrated: bool) -> Iterator[str]:
        del folder  # the server keeps it
        if migrated and not self._made:
            self._make()
        name = f"{self._prefix}_{next(self._numbers)}"
        drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
        template = f' TEMPLATE "{self.template}"' if migrated else ""
        asyncio.run(self._admin(drop, f'CREATE DATABASE "{name}"{template}'))
        try:
            yield self._url_of(name)
        finally:
            # FORCE: a connection the test left open must not keep its database alive.
            asyncio.run(self._admin(drop))

    def close(self) -> None:
        if self._made:
            asyncio.run(self._admin(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)'))
            self._made = False


class Templates:
    """The session's templates, one per backend under test."""

    def __init__(self, folder: Path) -> None:
        self.sqlite = SqliteTemplate(folder)
        self.postgresql = PostgresTemplate(TEST_DATABASE_URL) if TEST_DATABASE_URL else None

    @contextlib.contextmanager
    def database(self, backend: str, folder: Path, *, migrated: bool = True) -> Iterator[str]:
        """A database URL of its own for one test: at head if `migrated`, else without a schema."""
        template = self.sqlite if backend == "sqlite" else self.postgresql
        assert template is not None, f"no {backend} database is configured"
        with template.database(folder, migrated=migrated) as url:
            yield url

    def close(self) -> None:
        if self.postgresql is not None:
            self.postgresql.close()
