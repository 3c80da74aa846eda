"""Migrations go up, all the way down and up again, on each backend."""

from __future__ import annotations

from sqlalchemy import inspect

from storage import migrate
from storage.db import Database


async def _tables(db: Database) -> set[str]:
    async with db.engine.connect() as connection:
        return set(await connection.run_sync(lambda c: inspect(c).get_table_names()))


async def test_upgrade_downgrade_upgrade(database_url: str):
    db = Database(database_url)
    try:
        await migrate.upgrade(db)
        assert await migrate.current_revision(db) == "0005"
        assert {"web_login_token", "web_session"} <= await _tables(db)

        await _downgrade_to_base(db)
        assert await migrate.current_revision(db) is None
        assert await _tables(db) <= {"alembic_version"}

        await migrate.upgrade(db)
        assert await migrate.current_revision(db) == "0005"
    finally:
        await db.dispose()


async def _downgrade_to_base(db: Database) -> None:
    from alembic import command
    from sqlalchemy.engine import Connection

    def _downgrade(connection: Connection) -> None:
        config = migrate.alembic_config(db.url)
        config.attributes["connection"] = connection
        command.downgrade(config, "base")

    async with db.engine.begin() as connection:
        await connection.run_sync(_downgrade)
