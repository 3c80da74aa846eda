"""Logs never carry secrets or personal data, whatever LOG_LEVEL says."""

from __future__ import annotations

import contextlib
import csv
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus

import httpx
import pytest

from bot import logs
from tests.conftest import TEST_TOKEN
from tests.fakes.bot_api import FakeBotAPI
from tests.support.harness import SAMPLE_ROSTER, Driver, button_data
from tests.support.program import Program, run_cli
from tests.support.reporting import ReportAnswers, fill_report, has
from tests.web.conftest import HTML, csrf_of
from web.auth import SESSION_COOKIE

GOVERNOR_TG = 6_100_237_741
REPORTER_TG = 6_100_237_752
ANSWERS = ReportAnswers(
    place="โรงเรียนบ้านหนองหลุมตัวอย่าง หมู่ 7 ต.หนองหลุมทดสอบ",
    description="ไฟไหม้อาคารเรียนหลังเก่าของโรงเรียนตัวอย่าง นักเรียนอพยพออกมาได้ทั้งหมด",
    damage="อาคารเรียนไม้เสียหายทั้งหลังโดยประมาณ",
    photos=1,
)
LINK_RE = re.compile(r"(https?://\S+/login/([A-Za-z0-9_-]+))")


def forms_of(text: str) -> set[str]:
    """The ways a value can show up in a log line: as is, JSON-escaped, URL-encoded."""
    return {text, json.dumps(text)[1:-1], quote(text), quote_plus(text)}


def roster_phones() -> Iterator[str]:
    """Every phone number of the sample roster, with and without its dashes."""
    with SAMPLE_ROSTER.open(encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            if row["phone"]:
                yield row["phone"]
                yield row["phone"].replace("-", "")


def invite_code(tmp_path: Path, roster_id: str, env: dict[str, str]) -> str:
    invited = run_cli(tmp_path, "roster", "invite", roster_id, **env)
    assert invited.returncode == 0, invited.stderr
    return next(line[6:] for line in invited.stdout.splitlines() if line.startswith("code: "))


@pytest.mark.slow
async def test_a_whole_report_at_debug_level_leaves_no_secret_or_personal_data_in_the_log(
    fake_api: FakeBotAPI, database_url: str, tmp_path: Path
):
    env = {
        "TELEGRAM_BOT_TOKEN": TEST_TOKEN,
        "TELEGRAM_API_BASE_URL": fake_api.base_url,
        "DATABASE_URL": database_url,
        "DATA_DIR": str(tmp_path / "data"),
        "LOG_LEVEL": "DEBUG",
    }
    assert run_cli(tmp_path, "roster", "import", str(SAMPLE_ROSTER), **env).returncode == 0
    governor_code = invite_code(tmp_path, "GOV", env)
    reporter_code = invite_code(tmp_path, "D6604", env)
    people = Driver(fake_api)
    governor = fake_api.add_user(GOVERNOR_TG, "ผู้ว่า")
    reporter = fake_api.add_user(REPORTER_TG, "นายอำเภอ")

    program = Program(tmp_path, **env)
    program.start()
    try:
        web_url = program.web_url()
        await people.say(governor, f"/start {governor_code}", expect=has("ยินดีต้อนรับ"), timeout=60)
        await people.say(reporter, f"/start {reporter_code}", expect=has("ยินดีต้อนรับ"), timeout=30)
        review = await fill_report(people, reporter, ANSWERS)
        await people.press(reporter, review, button_data(review, "ยืนยัน"), expect=has("ส่งรายงานแล้ว"))
        alert = await fake_api.wait_for_message(governor.id, has("ตะพานหิน"), timeout=30)
        pressed = fake_api.press_button(governor, alert, button_data(alert, "รับทราบ"))
        await fake_api.wait_for_callback_answer(pressed, timeout=30)
        await fake_api.wait_for_message(reporter.id, has("รับทราบเหตุ"), timeout=30)
        reply = await people.say(governor, "/web", expect=has("ลิงก์เข้าสู่เว็บ"), timeout=30)
        found = LINK_RE.search(reply.text)
        assert found, reply.text
        link, signin_token = found.groups()
        async with httpx.AsyncClient(base_url=web_url) as browser:
            page = await browser.get(link, headers=HTML)
            signed_in = await browser.post(
                "/login", data={"token": signin_token, "csrf": csrf_of(page.text)}, headers=HTML
            )
            listing = await browser.get("/incidents", headers=HTML)
        session_id = browser.cookies.get(SESSION_COOKIE, "")
    finally:
        exit_code = program.terminate()
        program.ensure_stopped()

    assert signed_in.status_code == 303 and session_id
    assert ANSWERS.place in listing.text
    secrets = {TEST_TOKEN, governor_code, reporter_code, signin_token, session_id}
    personal = {ANSWERS.place, ANSWERS.description, str(ANSWERS.damage), *roster_phones()}
    ids = {str(GOVERNOR_TG), str(REPORTER_TG)}
    output = program.output()
    leaked = sorted(
        value for value in secrets | ids | personal for form in forms_of(value) if form in output
    )
    assert leaked == [], f"the log carries {leaked}"
    assert exit_code == 0, output
    assert re.search(r"incident PCT-\d{4}-0001 filed by person#\d+", output)  # it did log
    assert "tg:" in output  # Telegram ids appear only as pseudonyms


def test_third_party_debug_records_are_dropped_and_ours_kept(capsys: pytest.CaptureFixture[str]):
    with configured("DEBUG"):
        logging.getLogger("bot.example").debug("our own detail")
        chatty = logging.getLogger("telegram.ext.Updater")
        chatty.setLevel(logging.DEBUG)  # a library that sets its own level gets no further
        chatty.debug("Calling Bot API endpoint `sendMessage` with parameters `{'text': 'x'}`")
        logging.getLogger("sqlalchemy.engine.Engine").info("INSERT INTO person ...")
        logging.getLogger("httpx").warning("a warning still gets through")

    err = capsys.readouterr().err
    assert "our own detail" in err
    assert "sendMessage" not in err and "INSERT" not in err
    assert "a warning still gets through" in err


def test_our_own_loggers_follow_log_level(capsys: pytest.CaptureFixture[str]):
    with configured("WARNING"):
        logging.getLogger("handlers.example").info("routine")
        logging.getLogger("web.example").warning("worth a look")

    err = capsys.readouterr().err
    assert "routine" not in err
    assert "worth a look" in err


@pytest.mark.parametrize(
    ("logged", "secret"),
    [
        (f"request to https://api.telegram.org/bot{TEST_TOKEN}/getMe failed", TEST_TOKEN),
        ("opened https://incident.example.go.th/login/Qm9vZm9vYmFyYmF6cXV4eHl6", "Qm9vZm9v"),
        ("message text '/start Xb3kP9aQ7wLm2ZrT5yVn8cDe'", "Xb3kP9aQ7wLm2ZrT5yVn8cDe"),
        ("link https://t.me/some_bot?start=Xb3kP9aQ7wLm2ZrT5yVn8cDe", "Xb3kP9aQ7wLm2ZrT5yVn8cDe"),
        ("reporter phone 080-000-1604", "080-000-1604"),
        ("reporter phone 0800001604", "0800001604"),
        (
            "(sqlite3.IntegrityError) NOT NULL\n[SQL: INSERT INTO incident (place) VALUES (?)]\n"
            "[parameters: ('บ้านวังหลุม หมู่ 3',)]\n(Background on this error at: https://sqlalche.me)",
            "บ้านวังหลุม",
        ),
        (
            "1 validation error\nplace\n  String should have at most 300 characters "
            "[type=string_too_long, input_value='บ้านวังหลุม หมู่ 3', input_type=str]",
            "บ้านวังหลุม",
        ),
    ],
    ids=["bot-token", "sign-in", "start", "deep-link", "phone", "phone-digits", "sql", "pydantic"],
)
def test_the_handler_redacts_secret_shapes_as_a_second_line_of_defence(
    capsys: pytest.CaptureFixture[str], logged: str, secret: str
):
    with configured("INFO"):
        logging.getLogger("bot.example").warning("%s", logged)
        try:
            raise RuntimeError(logged)
        except RuntimeError:
            logging.getLogger("uvicorn.error").exception("Exception in ASGI application")

    err = capsys.readouterr().err
    assert "Exception in ASGI application" in err and "RuntimeError" in err
    assert secret not in err


def test_reference_numbers_and_times_are_not_taken_for_phone_numbers(
    capsys: pytest.CaptureFixture[str],
):
    with configured("INFO"):
        logging.getLogger("bot.example").info("incident PCT-2569-0042 at 2026-11-28 14:05:09")

    assert "incident PCT-2569-0042 at 2026-11-28 14:05:09" in capsys.readouterr().err


@contextlib.contextmanager
def configured(level: str) -> Iterator[None]:
    """logs.configure() for one test, with every logger put back afterwards."""
    root = logging.getLogger()
    saved_root = (root.level, list(root.handlers))
    saved = {
        name: (logger.level, list(logger.handlers), logger.propagate)
        for name in list(logging.root.manager.loggerDict)
        if isinstance(logger := logging.getLogger(name), logging.Logger)
    }
    logs.configure(level)
    try:
        yield
    finally:
        root.setLevel(saved_root[0])
        root.handlers[:] = saved_root[1]
        for name, (level_was, handlers, propagate) in saved.items():
            logger = logging.getLogger(name)
            logger.setLevel(level_was)
            logger.handlers[:] = handlers
            logger.propagate = propagate
