"""`incident-bot db backup` / `db restore`: a round trip while the program writes, and refusals."""

from __future__ import annotations

import asyncio
import json
import os
import stat
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from bot.app import prepare_database
from bot.backup import postgres
from bot.cli import main
from bot.settings import Settings
from storage.db import Database
from storage.models import Incident
from tests.support.incidents import Spec, add_incident, import_sample_roster


@pytest.fixture
def deployment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """An SQLite deployment in DATA_DIR with the sample roster, and a way to run the CLI."""
    monkeypatch.chdir(tmp_path)
    data = tmp_path / "data"
    env = {
        "DATA_DIR": str(data),
        "DATABASE_URL": "",
        "TELEGRAM_BOT_TOKEN": "",
        "PROVINCE": "phichit",
    }
    settings = Settings(_env_file=None, data_dir=data, province="phichit")  # type: ignore[call-arg]

    async def seed() -> None:
        db, _province = await prepare_database(settings)
        await import_sample_roster(db, datetime.now(UTC))
        await db.dispose()

    asyncio.run(seed())

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)

    return settings, invoke


def _file(settings: Settings, photo: bytes) -> str:
    async def go() -> str:
        db = Database(settings.resolved_database_url)
        try:
            spec = Spec(photos=[photo])
            return await add_incident(db, spec, datetime.now(UTC), settings.files_dir)
        finally:
            await db.dispose()

    return asyncio.run(go())


def _references(settings: Settings) -> set[str]:
    async def go() -> set[str]:
        db = Database(settings.resolved_database_url)
        try:
            async with db.read() as session:
                return set((await session.scalars(select(Incident.reference))).all())
        finally:
            await db.dispose()

    return asyncio.run(go())


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_a_round_trip_while_the_program_writes_brings_back_everything_before_only(
    deployment, tmp_path: Path
) -> None:
    settings, invoke = deployment
    before = {_file(settings, f"photo {n}".encode()) for n in range(3)}
    stop, writing = threading.Event(), threading.Event()
    filed_during: list[str] = []

    def writer() -> None:
        n = 0
        while not stop.is_set():
            filed_during.append(_file(settings, f"during {n}".encode()))
            writing.set()
            n += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert writing.wait(30)  # the program is filing when the backup starts
        result = invoke("db", "backup", str(tmp_path / "backup"))
    finally:
        stop.set()
        thread.join()
    assert result.exit_code == 0, result.output
    assert filed_during
    in_backup = _references(settings)  # everything filed up to now, some after the copy
    files_at_backup = _files(settings.files_dir)
    after = _file(settings, b"filed after the backup")

    result = invoke("db", "restore", str(tmp_path / "backup"))
    assert result.exit_code == 0, result.output

    restored = _references(settings)
    assert before <= restored
    assert after not in restored
    assert restored <= in_backup
    restored_files = _files(settings.files_dir)
    assert set(_files(tmp_path / "backup" / "files")) == set(restored_files)
    for name in _files(tmp_path / "backup" / "files"):
        assert restored_files[name] == files_at_backup[name]
    for item in [*settings.files_dir.rglob("*"), *(tmp_path / "backup").rglob("*")]:
        mode = stat.S_IMODE(item.stat().st_mode)
        assert mode == (0o700 if item.is_dir() else 0o600), item
    database = settings.data_dir / "incidents.db"
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["revision"] and manifest["counts"]["incident"] >= len(before)


def test_an_existing_path_is_not_overwritten_without_force(deployment, tmp_path: Path) -> None:
    _settings, invoke = deployment
    target = tmp_path / "backup"
    target.mkdir()
    result = invoke("db", "backup", str(target))
    assert result.exit_code != 0 and "--force" in result.output
    assert invoke("db", "backup", str(target), "--force").exit_code == 0
    assert (target / "manifest.json").is_file()


def test_a_changed_file_in_the_backup_is_refused(deployment, tmp_path: Path) -> None:
    settings, invoke = deployment
    reference = _file(settings, b"a photo")
    assert invoke("db", "backup", str(tmp_path / "backup")).exit_code == 0
    photo = next(p for p in (tmp_path / "backup" / "files").rglob("*") if p.is_file())
    photo.write_bytes(b"tampered")
    result = invoke("db", "restore", str(tmp_path / "backup"))
    assert result.exit_code != 0 and "checksums do not match" in result.output
    assert reference in _references(settings)


def test_a_backup_from_a_newer_schema_is_refused(deployment, tmp_path: Path) -> None:
    _settings, invoke = deployment
    assert invoke("db", "backup", str(tmp_path / "backup")).exit_code == 0
    manifest_path = tmp_path / "backup" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["revision"] = "9999_from_the_future"
    manifest_path.write_text(json.dumps(manifest))
    result = invoke("db", "restore", str(tmp_path / "backup"))
    assert result.exit_code != 0 and "newer version" in result.output


def test_restore_is_refused_while_an_instance_beats(deployment, tmp_path: Path) -> None:
    settings, invoke = deployment
    assert invoke("db", "backup", str(tmp_path / "backup")).exit_code == 0

    async def beat() -> None:
        from incidents.instances import running
        from tests.support.clock import ManualClock

        db = Database(settings.resolved_database_url)
        try:
            async with running(db, "test-instance", ManualClock(datetime.now(UTC))):
                result = await asyncio.to_thread(invoke, "db", "restore", str(tmp_path / "backup"))
                assert result.exit_code != 0 and "running" in result.output
        finally:
            await db.dispose()

    asyncio.run(beat())


def test_postgres_commands_never_show_the_password(tmp_path: Path) -> None:
    url = "postgresql+asyncpg://incident:s3cret-pw@db.example:5432/incident"
    commands = postgres.backup_commands(url, tmp_path / "files", tmp_path / "backup")
    text = postgres.shown(commands)
    assert "s3cret" not in text
    assert "pg_dump --format=custom" in text
    assert "--dbname=postgresql://incident@db.example:5432/incident" in text
    restore = postgres.shown(postgres.restore_commands(url, tmp_path / "files", tmp_path / "b"))
    assert "s3cret" not in restore and "pg_restore --clean" in restore
    assert os.fspath(tmp_path / "files") in restore


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="PostgreSQL not configured for this run"
)
def test_postgres_backup_with_run_writes_a_dump_and_the_files(tmp_path: Path) -> None:
    url = os.environ["TEST_DATABASE_URL"]
    (tmp_path / "data" / "files").mkdir(parents=True)
    (tmp_path / "data" / "files" / "a.jpg").write_bytes(b"photo")
    env = {"DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": url, "TELEGRAM_BOT_TOKEN": ""}
    result = CliRunner().invoke(
        main, ["db", "backup", str(tmp_path / "b"), "--run"], env=env, catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "b" / "database.dump").stat().st_size > 0
    assert (tmp_path / "b" / "files" / "a.jpg").read_bytes() == b"photo"
    assert stat.S_IMODE((tmp_path / "b" / "database.dump").stat().st_mode) == 0o600
    again = CliRunner().invoke(main, ["db", "backup", str(tmp_path / "b"), "--run"], env=env)
    assert again.exit_code != 0 and "--force" in again.output
