"""The data folder is the service's alone: 0700 folders, 0600 files, whatever the umask."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tests.conftest import TEST_TOKEN
from tests.fakes.bot_api import FakeBotAPI
from tests.support.harness import SAMPLE_ROSTER, Driver, button_data
from tests.support.program import Program, run_cli
from tests.support.reporting import ReportAnswers, fill_report, has

pytestmark = pytest.mark.slow


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def modes_under(root: Path) -> dict[str, int]:
    """Every folder and file under `root` (itself included), with its permission bits."""
    found = {".": mode(root)}
    for path in root.rglob("*"):
        found[path.relative_to(root).as_posix()] = mode(path)
    return found


async def test_under_umask_000_the_data_folder_database_and_photos_stay_private(
    fake_api: FakeBotAPI, tmp_path: Path
):
    data = tmp_path / "data"
    env = {
        "TELEGRAM_BOT_TOKEN": TEST_TOKEN,
        "TELEGRAM_API_BASE_URL": fake_api.base_url,
        "DATA_DIR": str(data),  # the database too: SQLite at data/incidents.db
    }
    assert run_cli(tmp_path, "roster", "import", str(SAMPLE_ROSTER), **env).returncode == 0
    invited = run_cli(tmp_path, "roster", "invite", "D6604", **env)
    code = next(line[6:] for line in invited.stdout.splitlines() if line.startswith("code: "))
    # What an earlier version, or a looser umask, left behind.
    old_photo = data / "files" / "ab" / ("ab" * 32 + ".jpg")
    old_photo.parent.mkdir(parents=True)
    old_photo.write_bytes(b"\xff\xd8 an older photo")
    for folder in (data, data / "files", old_photo.parent):
        folder.chmod(0o755)
    for file in (old_photo, data / "incidents.db"):
        file.chmod(0o644)
    reporter = fake_api.add_user(7301, "นายอำเภอ")
    people = Driver(fake_api)

    program = Program(tmp_path, **env)
    program.start(umask=0o000)
    try:
        await people.say(reporter, f"/start {code}", expect=has("ยินดีต้อนรับ"), timeout=60)
        review = await fill_report(people, reporter, ReportAnswers(photos=1))
        await people.press(reporter, review, button_data(review, "ยืนยัน"), expect=has("ส่งรายงานแล้ว"))
        found = modes_under(data)  # while running: the -wal and -shm files exist
    finally:
        exit_code = program.terminate()
        program.ensure_stopped()

    assert exit_code == 0, program.output()
    kept = [name for name in found if name.startswith("files/") and (data / name).is_file()]
    assert len(kept) == 2, found  # the old photo, and the report's, kept under umask 000
    assert {"incidents.db", "incidents.db-wal", "incidents.db-shm"} <= found.keys()
    loose = {
        name: oct(bits)
        for name, bits in found.items()
        if bits != (0o700 if (data / name).is_dir() else 0o600)
    }
    assert loose == {}
