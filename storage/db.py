"""The database: one engine and one session factory per process."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SQLITE_BUSY_TIMEOUT_MS = 15_000
_IMMEDIATE = "sqlite_begin_immediate"
# The database holds personal data: readable by the service's user alone, whatever the umask.
_PRIVATE_FILE_MODE = 0o600
_PRIVATE_DIR_MODE = 0o700


def _private_sqlite_file(database: Path) -> None:
    """Create the SQLite file as 0600 before SQLite does, and tighten it and its companions.

    SQLite creates the -wal and -shm files with the database file's own permissions, so a
    0600 database keeps them 0600 too; ones left looser by an earlier run are tightened here.
    """
    if not database.parent.exists():
        database.parent.mkdir(mode=_PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    os.close(os.open(database, os.O_RDWR | os.O_CREAT, _PRIVATE_FILE_MODE))
    for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        # A file owned by someone else is theirs to fix; SQLite says so if it cannot open it.
        with contextlib.suppress(FileNotFoundError, PermissionError):
            if path.stat().st_mode & 0o077:
                os.chmod(path, _PRIVATE_FILE_MODE)


def _prepare_sqlite(engine: AsyncEngine) -> None:
    """Use WAL with a busy timeout, enforce foreign keys, and take transactions into our hands.

    pysqlite's own transaction handling defers BEGIN and never takes a write lock up front, so
    two writers that both read first can deadlock; we emit BEGIN ourselves, IMMEDIATE for units
    of work that will write (see the SQLAlchemy "Serializable isolation / Savepoints" recipe).
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(_IMMEDIATE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Database:
    """Owns the engine; hands out one session per unit of work."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        parsed = make_url(url)
        self.url = url
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        if self.is_sqlite and parsed.database and parsed.database != ":memory:":
            _private_sqlite_file(Path(parsed.database))
        # Never parameters in an error or a log line: they carry what people typed (a search
        # for a victim's name) and personal data from the rows.
        kwargs: dict[str, Any] = {"echo": echo, "hide_parameters": True}
        if not self.is_sqlite:
            kwargs.update(pool_pre_ping=True, pool_size=10, max_overflow=10)
        self.engine = create_async_engine(url, **kwargs)
        if self.is_sqlite:
            _prepare_sqlite(self.engine)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._after_commit: list[Callable[[dict[Any, Any]], None]] = []

    def after_commit(self, hook: Callable[[dict[Any, Any]], None]) -> None:
        """Call `hook(session.info)` after every unit of work of write() that commits."""
        self._after_commit.append(hook)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A session for reading; rolled back at the end."""
        async with self.sessions() as session:
            yield session

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A unit of work that commits on success and rolls back on error.

        On SQLite the transaction starts with BEGIN IMMEDIATE so concurrent writers queue on
        the busy timeout instead of failing half-way.
        """
        async with self.sessions() as session:
            async with session.begin():
                if self.is_sqlite:
                    await session.connection(execution_options={_IMMEDIATE: True})
                yield session
            for hook in self._after_commit:
                hook(session.info)

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()
