"""PostgreSQL backups: the pg_dump / pg_restore commands to run, never showing the password."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL, make_url

DUMP_NAME = "database.dump"


def libpq_url(url: str) -> tuple[str, str | None]:
    """The URL as libpq reads it, without its password, and the password apart."""
    parsed = make_url(url)
    password = parsed.password
    # URL.set(password=None) keeps the password; build the URL afresh without it.
    plain = URL.create(
        "postgresql",
        parsed.username,
        None,
        parsed.host,
        parsed.port,
        parsed.database,
        parsed.query,
    )
    return plain.render_as_string(hide_password=False), (str(password) if password else None)


def backup_commands(url: str, files_dir: Path, path: Path) -> list[list[str]]:
    """pg_dump of the database, then a copy of the files folder, into the folder `path`."""
    target, _password = libpq_url(url)
    return [
        ["mkdir", "-p", "-m", "700", str(path)],
        ["pg_dump", "--format=custom", f"--file={path / DUMP_NAME}", f"--dbname={target}"],
        ["rsync", "-a", "--chmod=D700,F600", f"{files_dir}/", f"{path / 'files'}/"],
    ]


def restore_commands(url: str, files_dir: Path, path: Path) -> list[list[str]]:
    """pg_restore of the dump over the database, then the files folder back."""
    target, _password = libpq_url(url)
    return [
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            f"--dbname={target}",
            str(path / DUMP_NAME),
        ],
        ["rsync", "-a", "--chmod=D700,F600", f"{path / 'files'}/", f"{files_dir}/"],
    ]


def shown(commands: list[list[str]]) -> str:
    """The commands as a shell would take them, one a line, after `umask 077`."""
    return "\n".join(["umask 077", *(shlex.join(command) for command in commands)])


def execute(url: str, commands: list[list[str]]) -> None:
    """Run the commands, the password (if any) handed over in PGPASSWORD, not the command."""
    missing = [c[0] for c in commands if shutil.which(c[0]) is None]
    if missing:
        raise FileNotFoundError(f"not on PATH: {', '.join(sorted(set(missing)))}")
    _target, password = libpq_url(url)
    env = dict(os.environ)
    if password:
        env["PGPASSWORD"] = password
    old_umask = os.umask(0o077)
    try:
        for command in commands:
            # Fixed argument lists built above from the settings; no shell.
            subprocess.run(command, env=env, check=True)  # noqa: S603
    finally:
        os.umask(old_umask)
