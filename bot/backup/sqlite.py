"""SQLite backups: an online copy of the live database and the files folder, and a restore.

A backup is a 0700 folder holding `incidents.db`, `files/` and `manifest.json` (schema
revision, when it was taken, row counts, SHA-256 of every item). It is written beside PATH and
renamed into place, so a half-written backup never carries the final name.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from alembic.script import ScriptDirectory

from incidents.files import PRIVATE_FILE_MODE, private_dir, secure_tree
from storage.migrate import alembic_config

DATABASE_NAME = "incidents.db"
FILES_NAME = "files"
MANIFEST_NAME = "manifest.json"
# A service instance beating within this window counts as running (see incidents/instances.py).
RUNNING_WITHIN = timedelta(seconds=8)


class BackupError(Exception):
    """A backup or restore refused or failed; the message is for the operator."""


@dataclass(frozen=True, slots=True)
class Manifest:
    """What a backup holds."""

    revision: str | None
    created_at: str
    counts: dict[str, int]
    checksums: dict[str, str]


def sqlite_path(url: str) -> Path:
    """The database file an SQLite URL names."""
    return Path(url.split(":///", 1)[1])


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def _copy_private(source: Path, target: Path) -> None:
    """Copy one file as 0600."""
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
    with os.fdopen(descriptor, "wb") as out, source.open("rb") as src:
        os.fchmod(out.fileno(), PRIVATE_FILE_MODE)
        shutil.copyfileobj(src, out)


def copy_files(source: Path, target: Path) -> None:
    """Copy the files folder (regular files only) into `target`, ours alone."""
    private_dir(target)
    if not source.is_dir():
        return
    for folder, _subfolders, names in os.walk(source):
        relative = Path(folder).relative_to(source)
        private_dir(target / relative)
        for name in names:
            item = Path(folder) / name
            if item.is_file() and not item.is_symlink():
                _copy_private(item, target / relative / name)


def _online_copy(database: Path, target: Path) -> None:
    """SQLite's backup API: a consistent copy while the service reads and writes."""
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
    os.close(descriptor)
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=15)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()


def _revision_and_counts(database: Path) -> tuple[str | None, dict[str, int]]:
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        # Table names come from the database's own catalogue, quoted.
        counts = {
            name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]  # noqa: S608
            for name in tables
        }
        revision = None
        if "alembic_version" in tables:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
        return revision, counts
    finally:
        connection.close()


def checksums(root: Path) -> dict[str, str]:
    """SHA-256 of every regular file under `root` but the manifest, by relative path."""
    found: dict[str, str] = {}
    for folder, _subfolders, names in os.walk(root):
        for name in names:
            item = Path(folder) / name
            relative = item.relative_to(root).as_posix()
            if relative != MANIFEST_NAME:
                found[relative] = _sha256(item)
    return dict(sorted(found.items()))


def _place(staging: Path, path: Path, force: bool) -> None:
    """Rename the finished backup to `path`, replacing an old one only when forced."""
    if path.exists() or path.is_symlink():
        if not force:
            raise BackupError(f"{path} exists; use --force to replace it")
        old = path.with_name(f".{path.name}.old-{os.getpid()}")
        path.rename(old)
        staging.rename(path)
        shutil.rmtree(old) if old.is_dir() else old.unlink()
        return
    staging.rename(path)


def staging_for(path: Path) -> Path:
    """A fresh 0700 folder beside `path` to write a backup into."""
    staging = path.with_name(f".{path.name}.partial-{os.getpid()}")
    if staging.exists():
        shutil.rmtree(staging)
    private_dir(staging)
    return staging


def write_manifest(staging: Path, revision: str | None, counts: dict[str, int]) -> Manifest:
    """Write manifest.json (0600) over what `staging` holds."""
    manifest = Manifest(revision, datetime.now(UTC).isoformat(), counts, checksums(staging))
    body = json.dumps(_as_dict(manifest), indent=2)
    descriptor = os.open(staging / MANIFEST_NAME, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE_MODE)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(body)
    return manifest


def _as_dict(manifest: Manifest) -> dict[str, object]:
    return {name: getattr(manifest, name) for name in Manifest.__slots__}


def backup(database: Path, files_dir: Path, path: Path, *, force: bool = False) -> Manifest:
    """Take an online backup of `database` and then `files_dir` into the folder `path`."""
    if (path.exists() or path.is_symlink()) and not force:
        raise BackupError(f"{path} exists; use --force to replace it")
    if not database.is_file():
        raise BackupError(f"no database at {database}")
    staging = staging_for(path)
    try:
        # Database first, files second: a file is stored before a row refers to it.
        _online_copy(database, staging / DATABASE_NAME)
        copy_files(files_dir, staging / FILES_NAME)
        revision, counts = _revision_and_counts(staging / DATABASE_NAME)
        manifest = write_manifest(staging, revision, counts)
        _place(staging, path, force)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest


def read_manifest(path: Path) -> Manifest:
    """The manifest of the backup at `path`, its checksums verified."""
    try:
        raw = json.loads((path / MANIFEST_NAME).read_text(encoding="utf-8"))
        manifest = Manifest(
            raw["revision"], raw["created_at"], dict(raw["counts"]), dict(raw["checksums"])
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{path}: no readable manifest ({exc})") from None
    if checksums(path) != manifest.checksums:
        raise BackupError(f"{path}: checksums do not match the manifest; not restoring")
    return manifest


def check_revision(revision: str | None) -> None:
    """Refuse a schema this program does not know (a backup from a newer version)."""
    if revision is None:
        return
    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    known = {script.revision for script in scripts.walk_revisions()}
    if revision not in known:
        raise BackupError(
            f"the backup is at schema revision {revision}, which this version does not know "
            "(it was taken by a newer version): install that version to restore it"
        )


def service_running(database: Path) -> bool:
    """Whether an instance of the service beat its heartbeat within the last seconds."""
    if not database.is_file():
        return False
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=15)
    try:
        row = connection.execute("SELECT max(heartbeat_at) FROM instance").fetchone()
    except sqlite3.OperationalError:
        return False  # no instance table yet: nothing has run on this schema
    finally:
        connection.close()
    if not row or row[0] is None:
        return False
    last = datetime.fromisoformat(str(row[0]))
    if last.tzinfo is None:
        last = last.replace(tzinfo=UTC)
    return last >= datetime.now(UTC) - RUNNING_WITHIN


def restore(path: Path, database: Path, files_dir: Path, *, force: bool = False) -> Manifest:
    """Put the backup at `path` back as the database and the files folder."""
    manifest = read_manifest(path)
    check_revision(manifest.revision)
    if service_running(database) and not force:
        raise BackupError(
            "the service is running (an instance heartbeat is recent): stop it first, "
            "or pass --force"
        )
    # Files beside, then renamed over: content-addressed, so the new set never lacks one the
    # restored database refers to.
    new_files = files_dir.with_name(f".{files_dir.name}.restore-{os.getpid()}")
    shutil.rmtree(new_files, ignore_errors=True)
    copy_files(path / FILES_NAME, new_files)
    old_files = files_dir.with_name(f".{files_dir.name}.old-{os.getpid()}")
    if files_dir.exists():
        files_dir.rename(old_files)
    new_files.rename(files_dir)
    shutil.rmtree(old_files, ignore_errors=True)
    secure_tree(files_dir)
    _restore_database(path / DATABASE_NAME, database)
    return manifest


def _restore_database(copy: Path, database: Path) -> None:
    """Copy beside, then rename over the live file, dropping its stale write-ahead log."""
    private_dir(database.parent)
    beside = database.with_name(f".{database.name}.restore-{os.getpid()}")
    _copy_private(copy, beside)
    if _sha256(beside) != _sha256(copy):
        beside.unlink()
        raise BackupError("the database copy changed while restoring; nothing replaced")
    check = sqlite3.connect(beside)
    try:
        verdict = check.execute("PRAGMA integrity_check").fetchone()
    finally:
        check.close()
    if not verdict or verdict[0] != "ok":
        beside.unlink()
        raise BackupError("the backup's database fails SQLite's integrity check; nothing replaced")
    # A WAL left from the old file must not be applied to the restored one.
    for suffix in ("-wal", "-shm"):
        stale = database.with_name(database.name + suffix)
        if stale.exists():
            stale.unlink()
    beside.rename(database)
