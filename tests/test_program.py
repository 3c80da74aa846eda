"""The real `incident-bot` program, started as a new user would, against the fake Bot API."""

from __future__ import annotations

import signal
from pathlib import Path

import httpx
import pytest

from tests.conftest import TEST_TOKEN
from tests.fakes import SentMessage
from tests.fakes.bot_api import FakeBotAPI
from tests.support.harness import SAMPLE_ROSTER, Driver, button_data
from tests.support.program import Program, closed_port, run_cli
from tests.support.reporting import ReportAnswers, fill_report, has

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


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_while_telegram_is_unreachable_the_web_log_serves_and_a_signal_stops_the_program(
    tmp_path: Path, database_url: str, sig: signal.Signals
):
    program = Program(
        tmp_path,
        TELEGRAM_BOT_TOKEN=TEST_TOKEN,
        TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{closed_port()}/bot",
        DATABASE_URL=database_url,
        LOG_LEVEL="INFO",
    )
    program.start()
    try:
        web_url = program.web_url()
        # One line per failed attempt, naming the delay before the next.
        program.wait_for_output(r"Bot API not reachable \(attempt 2: .+\); retrying in 2 s")
        health = httpx.get(f"{web_url}/healthz", timeout=10)
        login_page = httpx.get(f"{web_url}/login", timeout=10)
        exit_code = program.stop(sig, timeout=10)  # a few seconds, not the next retry's end
    finally:
        program.ensure_stopped()

    assert health.status_code == 200
    assert health.json() == {"status": "ok", "telegram": "connecting"}
    assert health.headers["cache-control"] == "no-store"
    assert login_page.status_code == 200
    assert exit_code == 0, program.output()
    assert f"{sig.name} received: stopping" in program.output()
    assert "Traceback" not in program.output()


def test_an_unexpected_failure_is_reported_through_the_log(tmp_path: Path):
    program = Program(
        tmp_path,
        TELEGRAM_BOT_TOKEN=TEST_TOKEN,
        DATABASE_URL=f"postgresql+asyncpg://incident@127.0.0.1:{closed_port()}/incident",
    )
    program.start()
    try:
        assert program.process is not None
        exit_code = program.process.wait(timeout=60)
    finally:
        program.ensure_stopped()

    output = program.output()
    assert exit_code == 1, output
    # The traceback is part of a log line, which the log's guard has read.
    assert " ERROR bot.cli: stopped by an unexpected error\nTraceback" in output


async def test_a_second_signal_ends_a_shutdown_that_waits_on_telegram(
    fake_api: FakeBotAPI, env: dict[str, str], tmp_path: Path
):
    run_cli(tmp_path, "roster", "import", str(SAMPLE_ROSTER), **env)
    invited = run_cli(tmp_path, "roster", "invite", "GOV", "D6604", **env)
    governor_code, reporter_code = [
        line[6:] for line in invited.stdout.splitlines() if line.startswith("code: ")
    ]
    governor = fake_api.add_user(7401, "ผู้ว่า")
    reporter = fake_api.add_user(7402, "นายอำเภอ")
    people = Driver(fake_api)

    program = Program(tmp_path, **env)
    program.start()
    try:
        await people.say(governor, f"/start {governor_code}", expect=has("ยินดีต้อนรับ"), timeout=60)
        await people.say(reporter, f"/start {reporter_code}", expect=has("ยินดีต้อนรับ"), timeout=30)
        # Telegram takes the alert but answers only after a minute: the clean shutdown waits
        # for that answer, as it should, so the operator's second signal has to end it.
        fake_api.delay("sendMessage", 60, chat_id=governor.id)
        review = await fill_report(people, reporter, ReportAnswers(photos=0))
        await people.press(reporter, review, button_data(review, "ยืนยัน"), expect=has("ส่งรายงานแล้ว"))
        await fake_api.wait_for_message(governor.id, has("ตะพานหิน"), timeout=30)
        assert program.process is not None
        program.process.send_signal(signal.SIGTERM)
        program.wait_for_output("SIGTERM received: stopping")
        exit_code = program.stop(signal.SIGTERM, timeout=10)
    finally:
        program.ensure_stopped()

    assert exit_code == 128 + signal.SIGTERM, program.output()
    assert "SIGTERM again while stopping: exiting at once" in program.output()
