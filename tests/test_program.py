"""The real `incident-bot` program, started as a new user would, against the fake Bot API."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import TEST_TOKEN
from tests.fakes import SentMessage
from tests.fakes.bot_api import FakeBotAPI
from tests.support.harness import SAMPLE_ROSTER, button_data
from tests.support.program import Program, run_cli
from tests.support.reporting import has

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


async def test_a_report_survives_sigkill_half_way(
    fake_api: FakeBotAPI, env: dict[str, str], tmp_path: Path, database_url: str
):
    run_cli(tmp_path, "roster", "import", str(SAMPLE_ROSTER), **env)
    invited = run_cli(tmp_path, "roster", "invite", "D6612", **env)
    code = next(line[6:] for line in invited.stdout.splitlines() if line.startswith("code: "))
    chief = fake_api.add_user(7101, "วชิรบารมี")

    async def say(text: str, expect: str) -> SentMessage:
        mark = fake_api.mark()
        fake_api.send_text(chief, text)
        return await fake_api.wait_for_message(chief.id, has(expect), since=mark, timeout=60)

    async def press(message: SentMessage, label: str, expect: str) -> SentMessage:
        mark = fake_api.mark()
        fake_api.press_button(chief, message, button_data(message, label))
        return await fake_api.wait_for_message(chief.id, has(expect), since=mark, timeout=60)

    first = Program(tmp_path, **env)
    first.start()
    try:
        await say(f"/start {code}", "ยินดีต้อนรับ")
        prompt = await say("/report", "ประเภทใด")
        prompt = await press(prompt, "อัคคีภัย", "ความเร่งด่วน")
        prompt = await press(prompt, "ด่วนมาก", "ระดับสาธารณภัย")
        prompt = await press(prompt, "ระดับ 1", "อำเภอใด")
        await press(prompt, "วชิรบารมี", "สถานที่เกิดเหตุ")
        await say("โรงสีข้าว ต.บึงบัว", "ส่งตำแหน่งปัจจุบัน")
    finally:
        first.kill()  # SIGKILL: no shutdown, no confirmation of the last offsets

    second = Program(tmp_path, **env)
    second.start()
    try:
        mark = fake_api.mark()
        fake_api.send_location(chief, 16.30, 100.45)
        prompt = await fake_api.wait_for_message(
            chief.id, has("เวลาเกิดเหตุ"), since=mark, timeout=60
        )
        prompt = await press(prompt, "เพิ่งเกิด", "พิมพ์รายละเอียด")
        await say("ไฟไหม้โรงสีข้าว ควบคุมเพลิงได้แล้วบางส่วน", "ผู้ได้รับผลกระทบ")
        prompt = await say("บาดเจ็บ 1", "ความเสียหาย")
        prompt = await press(prompt, "ข้าม", "รูปภาพและไฟล์")
        review = await press(prompt, "เสร็จสิ้น", "ตรวจสอบรายงาน")
        filed = await press(review, "ยืนยัน", "ส่งรายงานแล้ว")
    finally:
        assert second.terminate() == 0, second.output()

    for part in ("อัคคีภัย", "ด่วนมาก", "ระดับ 1 ขนาดเล็ก", "วชิรบารมี", "โรงสีข้าว ต.บึงบัว"):
        assert part in review.text, part
    assert "PCT-25" in filed.text and "-0001" in filed.text
