"""Settings: defaults, derived values, and clear one-line errors for bad ones."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError, load_settings
from tests.conftest import TEST_TOKEN

ROOT = Path(__file__).resolve().parents[2]


def make(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def test_defaults_point_at_telegram_and_an_sqlite_file_under_data():
    settings = make()

    assert settings.telegram_api_base_url == "https://api.telegram.org/bot"
    assert settings.resolved_file_base_url == "https://api.telegram.org/file/bot"
    assert settings.resolved_database_url == "sqlite+aiosqlite:///data/incidents.db"
    assert settings.province == "phichit"
    assert str(settings.tz) == "Asia/Bangkok"


def test_a_local_bot_api_server_gets_its_own_file_url():
    settings = make(telegram_api_base_url="http://127.0.0.1:8081/bot/")

    assert settings.telegram_api_base_url == "http://127.0.0.1:8081/bot"
    assert settings.resolved_file_base_url == "http://127.0.0.1:8081/file/bot"


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("", "TELEGRAM_BOT_TOKEN is not set"),
        ("   ", "TELEGRAM_BOT_TOKEN is not set"),
        ("changeme", "TELEGRAM_BOT_TOKEN looks like a placeholder"),
        ("123456789:your-token-here-xxxxxxxxxxxxxxxxxxxxx", "looks like a placeholder"),
        ("<your bot token>", "looks like a placeholder"),
        ("12345:short", "looks like a placeholder"),
    ],
)
def test_missing_or_placeholder_token_is_named(token, message):
    with pytest.raises(SettingsError, match=message):
        make(telegram_bot_token=token).require_token()


def test_a_well_formed_token_is_accepted():
    assert make(telegram_bot_token=TEST_TOKEN).require_token() == TEST_TOKEN


def test_token_never_appears_in_the_settings_repr():
    assert TEST_TOKEN not in repr(make(telegram_bot_token=TEST_TOKEN))


def test_an_unknown_time_zone_is_one_line_naming_the_setting(monkeypatch):
    monkeypatch.setenv("TIMEZONE", "Mars/Olympus")
    with pytest.raises(SettingsError, match=r"^TIMEZONE: .*unknown time zone"):
        load_settings(_env_file=None)


def _run_cli(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    return subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env={**clean, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_run_without_a_token_stops_with_one_line(tmp_path):
    result = _run_cli(tmp_path)

    assert result.returncode != 0
    assert result.stderr.strip() == (
        "Error: TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and put its token "
        "in .env"
    )
    assert "Traceback" not in result.stderr


def test_run_with_a_placeholder_token_in_dotenv_stops_with_one_line(tmp_path):
    (tmp_path / ".env").write_text("TELEGRAM_BOT_TOKEN=changeme\n", encoding="utf-8")

    result = _run_cli(tmp_path)

    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert "TELEGRAM_BOT_TOKEN looks like a placeholder" in result.stderr


def test_run_with_an_unknown_province_names_the_setting(tmp_path):
    result = _run_cli(tmp_path, TELEGRAM_BOT_TOKEN=TEST_TOKEN, PROVINCE="atlantis")

    assert result.returncode != 0
    assert "PROVINCE='atlantis' has no data file; available: phichit" in result.stderr
    assert "Traceback" not in result.stderr
