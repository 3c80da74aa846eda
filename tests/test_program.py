"""The real `incident-bot` program, started as a new user would, against the fake Bot API."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import TEST_TOKEN
from tests.fakes.bot_api import FakeBotAPI
from tests.support.harness import SAMPLE_ROSTER
from tests.support.program import Program, run_cli

pytestmark = pytest.mark.slow


@pytest.fixture
def env(fake_api: FakeBotAPI, database_url: str) -> dict[str, str]:
    return {
        "TELEGRAM_BOT_TOKEN": TEST_TOKEN,
        "TELEGRAM_API_BASE_URL": fake_api.base_url,
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "INFO",
    }


async def test_run_answers_an_invited_person_and_refuses_a_stranger(
    fake_api: FakeBotAPI, env: dict[str, str], tmp_path: Path
):
    imported = run_cli(tmp_path, "roster", "import", str(SAMPLE_ROSTER), **env)
    invited = run_cli(tmp_path, "roster", "invite", "D6601", **env)
    assert imported.returncode == 0, imported.stderr
    assert invited.returncode == 0, invited.stderr
    code = next(line[6:] for line in invited.stdout.splitlines() if line.startswith("code: "))
    assert f"https://t.me/phichit_incident_bot?start={code}" in invited.stdout  # from getMe

    program = Program(tmp_path, **env)
    program.start()
    try:
        chief = fake_api.add_user(7001, "นายอำเภอ")
        stranger = fake_api.add_user(7002, "คนแปลกหน้า")
        mark = fake_api.mark()
        fake_api.send_text(chief, f"/start {code}")
        fake_api.send_text(stranger, "/start")
        welcome = await fake_api.wait_for_message(chief.id, since=mark, timeout=60)
        refusal = await fake_api.wait_for_message(stranger.id, since=mark, timeout=30)
    finally:
        exit_code = program.terminate()
        program.ensure_stopped()

    assert "ยินดีต้อนรับเข้าสู่ระบบรายงานเหตุการณ์" in welcome.text
    assert "นายสมมติ เมืองดี" in welcome.text
    assert "ยังไม่อยู่ในทะเบียน" in refusal.text
    assert exit_code == 0, program.output()
    output = program.output()
    assert TEST_TOKEN not in output
    assert "Traceback" not in output
