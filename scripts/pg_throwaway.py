"""Create or drop a throwaway PostgreSQL database for a CI run (trust auth on 127.0.0.1)."""

from __future__ import annotations

import asyncio
import re
import sys

import asyncpg

ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"


async def _main(action: str, name: str) -> int:
    if action == "check":
        try:
            connection = await asyncpg.connect(ADMIN_DSN, timeout=3)
        except (OSError, asyncpg.PostgresError, TimeoutError):
            return 1
        await connection.close()
        return 0
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
        print(f"bad database name {name!r}", file=sys.stderr)
        return 2
    connection = await asyncpg.connect(ADMIN_DSN, timeout=10)
    try:
        if action == "create":
            await connection.execute(f'CREATE DATABASE "{name}"')
        elif action == "drop":
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            print(f"unknown action {action!r}", file=sys.stderr)
            return 2
    finally:
        await connection.close()
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    if not args:
        print("usage: pg_throwaway.py check | create NAME | drop NAME", file=sys.stderr)
        sys.exit(2)
    sys.exit(asyncio.run(_main(args[0], args[1] if len(args) > 1 else "")))
