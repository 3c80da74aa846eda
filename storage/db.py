"""The database: one engine and one session factory per process."""

from __future__ import annotations

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
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
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
